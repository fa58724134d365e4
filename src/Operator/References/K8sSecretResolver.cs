using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace Operator.References;

/// <summary>
/// Reads <c>tfy-k8s-secret://KEY</c> values from the operator pod's mounted Secret (<c>&lt;mount&gt;/&lt;KEY&gt;</c>).
/// Follows the kubelet's layout (<c>KEY -&gt; ..data/KEY</c>, <c>..data -&gt; ..&lt;timestamp&gt;</c>, swapped atomically
/// on update) and refuses any KEY or symlink that leads outside the mount. Nothing here logs or throws with a value;
/// failures come back as <see cref="K8sSecretResult"/>, only cancellation throws.
/// Updates are noticed by <see cref="PollForChanges"/>, which the host calls on its own schedule; it fires the
/// token from <see cref="GetChangeToken"/> when <see cref="CurrentVersion"/> moved.
/// </summary>
public sealed class K8sSecretResolver : IDisposable
{
    /// <summary>A Kubernetes Secret holds at most 1 MiB in all; a bigger file is not one of its keys.</summary>
    public const int MaxValueBytes = 1024 * 1024;

    private const string DataLink = "..data";
    private const int MaxAttempts = 3;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Lock gate = new();
    private string observedVersion;
    private CancellationTokenSource changed = new();

    public K8sSecretResolver(K8sSecretResolverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.MountPath);
        MountPath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.MountPath));
        observedVersion = CurrentVersion();
    }

    /// <summary>The absolute mount path.</summary>
    public string MountPath { get; }

    public ValueTask<K8sSecretResult> ResolveAsync(K8sSecretReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return ResolveAsync(reference.Key, cancellationToken);
    }

    /// <summary>Reads one KEY as UTF-8. A read that raced a swap of <c>..data</c> is repeated (up to 3 times) so the
    /// value and <see cref="K8sSecretResult.Version"/> belong together and a file deleted mid-swap is not reported
    /// missing.</summary>
    public async ValueTask<K8sSecretResult> ResolveAsync(string key, CancellationToken cancellationToken)
    {
        if (ReferenceParser.DescribeInvalidSecretKey(key) is { } problem)
        {
            return K8sSecretResult.Failed(
                K8sSecretFailure.InvalidKey, $"cannot read {ReferenceParser.K8sSecretScheme}<KEY>: {problem}");
        }

        K8sSecretResult result;
        var attempt = 0;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            var version = CurrentVersion();
            result = await ReadOnceAsync(key, version, cancellationToken).ConfigureAwait(false);
            if (CurrentVersion() == version)
            {
                break;
            }
        }
        while (++attempt < MaxAttempts);

        return result;
    }

    /// <summary>
    /// A cheap token that changes whenever the mounted Secret changes: the <c>..data</c> link target when the kubelet
    /// layout is there, otherwise a hash of the top-level entries' names, sizes and modification times.
    /// Never reads a value.
    /// </summary>
    public string CurrentVersion()
    {
        try
        {
            if (!Directory.Exists(MountPath))
            {
                return "missing";
            }

            var dataTarget = new FileInfo(Path.Join(MountPath, DataLink)).LinkTarget;
            return dataTarget ?? FingerprintEntries();
        }
        catch (IOException)
        {
            return "unreadable";
        }
        catch (UnauthorizedAccessException)
        {
            return "unreadable";
        }
    }

    /// <summary>A token that fires once the next <see cref="PollForChanges"/> sees a new version.</summary>
    public IChangeToken GetChangeToken()
    {
        lock (gate)
        {
            return new CancellationChangeToken(changed.Token);
        }
    }

    /// <summary>Compares <see cref="CurrentVersion"/> with the last one seen; on a change fires the current change token
    /// and returns true.</summary>
    public bool PollForChanges()
    {
        var version = CurrentVersion();
        CancellationTokenSource fired;
        lock (gate)
        {
            if (version == observedVersion)
            {
                return false;
            }

            observedVersion = version;
            fired = changed;
            changed = new CancellationTokenSource();
        }

        // Outside the lock: callbacks may call GetChangeToken again.
        fired.Cancel();
        fired.Dispose();
        return true;
    }

    public void Dispose()
    {
        lock (gate)
        {
            changed.Dispose();
        }
    }

    private async ValueTask<K8sSecretResult> ReadOnceAsync(string key, string version, CancellationToken cancellationToken)
    {
        var realMount = RealPath.Resolve(MountPath);
        if (realMount is null || !Directory.Exists(realMount))
        {
            return Fail(K8sSecretFailure.NotFound, key, "not found: the mount does not exist (is the Secret volume mounted?)");
        }

        var real = RealPath.Resolve(Path.Join(MountPath, key));
        if (real is null)
        {
            return Fail(K8sSecretFailure.NotFound, key, "not found (is it a key of the Secret named by Helm value tfyK8sSecretName?)");
        }

        if (!RealPath.IsInside(real, realMount))
        {
            return Fail(K8sSecretFailure.OutsideMount, key, "resolves outside the mount through a symlink; refusing to read it");
        }

        byte[]? bytes = null;
        try
        {
            var file = new FileInfo(real);
            if (!file.Exists)
            {
                return Fail(K8sSecretFailure.NotAFile, key, "is not a regular file");
            }

            if (file.Length > MaxValueBytes)
            {
                return Fail(K8sSecretFailure.TooLarge, key, $"is {file.Length} bytes; at most {MaxValueBytes} are read");
            }

            bytes = await File.ReadAllBytesAsync(real, cancellationToken).ConfigureAwait(false);
            return K8sSecretResult.Success(StrictUtf8.GetString(bytes), version);
        }
        catch (DecoderFallbackException)
        {
            return Fail(K8sSecretFailure.NotUtf8, key, "is not valid UTF-8");
        }
        catch (FileNotFoundException)
        {
            return Fail(K8sSecretFailure.NotFound, key, "not found (it vanished while being read)");
        }
        catch (DirectoryNotFoundException)
        {
            return Fail(K8sSecretFailure.NotFound, key, "not found (it vanished while being read)");
        }
        catch (UnauthorizedAccessException)
        {
            return Fail(K8sSecretFailure.Unreadable, key, "cannot be read: permission denied");
        }
        catch (IOException exception)
        {
            // The exception's own message carries paths only, but stay on the safe side and show its type.
            return Fail(K8sSecretFailure.Unreadable, key, $"cannot be read: {exception.GetType().Name}");
        }
        finally
        {
            if (bytes is not null)
            {
                CryptographicOperations.ZeroMemory(bytes);
            }
        }
    }

    private K8sSecretResult Fail(K8sSecretFailure failure, string key, string what) =>
        K8sSecretResult.Failed(
            failure, $"{ReferenceParser.K8sSecretScheme}{key}: key '{key}' in mount '{MountPath}' {what}");

    private string FingerprintEntries()
    {
        var text = new StringBuilder();
        var entries = new DirectoryInfo(MountPath).GetFileSystemInfos();
        Array.Sort(entries, (a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var entry in entries)
        {
            var length = entry is FileInfo { Exists: true } file ? file.Length : -1;
            text.Append(CultureInfo.InvariantCulture, $"{entry.Name}|{entry.LinkTarget}|{length}|{entry.LastWriteTimeUtc.Ticks}\n");
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return "files:" + Convert.ToHexStringLower(hash.AsSpan(0, 12));
    }
}
