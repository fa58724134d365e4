using System.Reflection;
using System.Text;
using Operator.Hosting.Flags;

namespace Operator.Hosting;

/// <summary>What <c>--help</c> and <c>--version</c> print, from the flag table.</summary>
public static class HelpText
{
    /// <summary>The name users know the binary by.</summary>
    public const string ProgramName = "secretgroup-operator";

    /// <summary>The sub-command that writes the generated manifests (served by Manifests/ManifestCommand).</summary>
    public const string ManifestsCommand = "generate-manifests";

    private const int Width = 38;

    /// <summary>The assembly's informational version (with the commit when built from git).</summary>
    public static string Version =>
        typeof(HelpText).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static string VersionLine => $"{ProgramName} {Version}";

    /// <summary>The second line of a flag's entry: what it allows, its default and its environment variable.</summary>
    public static string Details(Flag flag)
    {
        ArgumentNullException.ThrowIfNull(flag);
        return $"Allowed: {flag.Allowed}. Default: {flag.DefaultText}. Env: {flag.EnvironmentVariable}";
    }

    public static string Render(IReadOnlyList<Flag>? flags = null)
    {
        flags ??= OperatorFlags.All;
        var text = new StringBuilder()
            .AppendLine($"{ProgramName} {Version}: syncs values from external secret stores into Kubernetes Secrets (SecretGroup, SecretStoreIntegration).")
            .AppendLine()
            .AppendLine("Usage:")
            .AppendLine($"  {ProgramName} [flags]                    run the operator against $KUBECONFIG, ~/.kube/config or the in-cluster service account")
            .AppendLine($"  {ProgramName} {ManifestsCommand} --output <repository root>")
            .AppendLine($"  {ProgramName} --help | --version")
            .AppendLine()
            .AppendLine($"Flags are written --name=value (a bare --name sets a true|false flag to true). Each flag can also be set by")
            .AppendLine($"its environment variable ({Flag.EnvironmentPrefix}<NAME>); the command line wins. Bad values stop the start with exit code 2.");
        foreach (var group in flags.GroupBy(f => f.Group))
        {
            text.AppendLine().AppendLine($"{group.Key.Title}: {group.Key.Description}");
            foreach (var flag in group)
            {
                var usage = flag.IsBool ? $"  {flag.Switch}[={flag.ValueName}]" : $"  {flag.Switch}={flag.ValueName}";
                text.Append(usage.Length < Width ? usage.PadRight(Width) : usage + "\n" + new string(' ', Width)).AppendLine(flag.Help);
                text.Append(new string(' ', Width)).AppendLine(Details(flag));
            }
        }

        return text.ToString();
    }
}
