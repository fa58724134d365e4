namespace Operator.Benchmarks;

/// <summary>
/// One operator build and environment to measure (`--variant LABEL[:PATH][:NAME=VALUE,...]`). Several variants run
/// each scenario one after the other in the same invocation, so their ratios hold whatever the machine's load.
/// </summary>
internal sealed record OperatorVariant(string Label, string? Binary, IReadOnlyDictionary<string, string> Env)
{
    /// <summary>The binary and environment of this build, as given by <c>--operator-dll</c> and <c>--operator-env</c>.</summary>
    public static readonly OperatorVariant Default = new("this build", null, new Dictionary<string, string>());

    /// <summary>Parses <c>LABEL</c>, then segments: one holding <c>=</c> is a comma-separated environment, else a binary path.</summary>
    public static OperatorVariant Parse(string value)
    {
        var parts = value.Split(':');
        if (parts[0].Length == 0)
        {
            throw new ArgumentException($"--variant '{value}': a label comes first, e.g. --variant gc-limit:DOTNET_GCHeapHardLimit=0x8000000");
        }

        string? binary = null;
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in parts.Skip(1).Where(p => p.Length > 0))
        {
            if (part.Contains('=', StringComparison.Ordinal))
            {
                foreach (var pair in part.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var nameValue = pair.Split('=', 2);
                    env[nameValue[0]] = nameValue.ElementAtOrDefault(1) ?? "";
                }
            }
            else
            {
                binary = part;
            }
        }

        return new OperatorVariant(parts[0], binary, env);
    }

    /// <summary>The options' environment with this variant's on top.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentOver(IReadOnlyDictionary<string, string> common)
    {
        var merged = new Dictionary<string, string>(common, StringComparer.Ordinal);
        foreach (var (name, value) in Env)
        {
            merged[name] = value;
        }

        return merged;
    }
}
