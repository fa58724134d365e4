using System.Globalization;
using System.Runtime.InteropServices;

namespace Operator.Tests.References;

/// <summary>
/// A temp directory laid out like a kubelet Secret volume: <c>..&lt;timestamp&gt;/KEY</c> files, <c>..data</c> linked to
/// the timestamp directory and <c>KEY -&gt; ..data/KEY</c> links; <see cref="Update"/> swaps <c>..data</c> atomically
/// the way the kubelet's atomic writer does. <see cref="Outside"/> is a sibling directory outside the mount.
/// </summary>
internal sealed partial class SecretVolume : IDisposable
{
    private int generation;

    private SecretVolume()
    {
        Root = Directory.CreateTempSubdirectory("tfy-k8s-secrets-").FullName;
        Mount = Directory.CreateDirectory(Path.Combine(Root, "mount")).FullName;
        Outside = Directory.CreateDirectory(Path.Combine(Root, "outside")).FullName;
    }

    public string Root { get; }

    public string Mount { get; }

    public string Outside { get; }

    public string DataLink => Path.Combine(Mount, "..data");

    public string CurrentDataDirectory { get; private set; } = "";

    public static SecretVolume Create(params (string Key, string Value)[] data)
    {
        var volume = new SecretVolume();
        volume.Update(data);
        return volume;
    }

    public void Update(params (string Key, string Value)[] data)
    {
        var previous = CurrentDataDirectory;
        var name = string.Create(CultureInfo.InvariantCulture, $"..2026_11_24_21_00_{generation++:D2}.{Random.Shared.Next(1000)}");
        var directory = Directory.CreateDirectory(Path.Combine(Mount, name)).FullName;
        foreach (var (key, value) in data)
        {
            File.WriteAllText(Path.Combine(directory, key), value);
        }

        var temporaryLink = Path.Combine(Mount, "..data_tmp");
        File.CreateSymbolicLink(temporaryLink, name);
        // The atomic swap. File.Move refuses a link to a directory as its source, so call rename(2) itself.
        if (Rename(temporaryLink, DataLink) != 0)
        {
            throw new IOException($"rename failed: errno {Marshal.GetLastPInvokeError()}");
        }

        CurrentDataDirectory = name;

        foreach (var (key, _) in data)
        {
            var link = Path.Combine(Mount, key);
            if (new FileInfo(link).LinkTarget is null)
            {
                File.CreateSymbolicLink(link, Path.Combine("..data", key));
            }
        }

        if (previous.Length > 0)
        {
            Directory.Delete(Path.Combine(Mount, previous), recursive: true);
        }
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Rename(
        [MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);
}
