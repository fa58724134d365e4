using Operator.Hosting;

namespace Operator.Manifests;

/// <summary>The <c>generate-manifests --output &lt;dir&gt;</c> command behind <c>make manifests</c>.</summary>
public static class ManifestCommand
{
    public const string Name = HelpText.ManifestsCommand;

    private const string Usage = "usage: Operator generate-manifests --output <repository-root>";

    /// <summary>Whether the command line asks for this command rather than for the operator.</summary>
    public static bool Matches(IReadOnlyList<string> args) => args is [Name, ..];

    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the command; 0 on success, 2 on a usage error. A leading <c>generate-manifests</c> is optional.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        var rest = Matches(args) ? args.Skip(1).ToList() : [.. args];
        string? output = rest switch
        {
            ["--output", var dir] => dir,
            [var single] when single.StartsWith("--output=", StringComparison.Ordinal) => single["--output=".Length..],
            _ => null,
        };
        if (string.IsNullOrEmpty(output))
        {
            stderr.WriteLine(Usage);
            return 2;
        }

        if (!Directory.Exists(output))
        {
            stderr.WriteLine($"generate-manifests: output directory '{output}' does not exist");
            return 2;
        }

        var written = ManifestWriter.Write(output);
        foreach (var path in written)
        {
            stdout.WriteLine($"wrote {path}");
        }

        stdout.WriteLine($"generate-manifests: {written.Count} of {ManifestWriter.Render().Count} files changed under {Path.GetFullPath(output)}");
        return 0;
    }
}
