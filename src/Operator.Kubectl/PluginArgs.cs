namespace Operator.Kubectl;

/// <summary>The plugin's command line: a command, its operands, and the kubectl-style flags it understands.</summary>
public sealed record PluginArgs(
    string Command,
    IReadOnlyList<string> Operands,
    string? Namespace,
    bool AllNamespaces,
    string? Kubeconfig,
    string? Context,
    TimeSpan Timeout)
{
    /// <summary>How long <c>sync</c> waits for the operator by default.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Parses <paramref name="args"/> (as kubectl passes them: everything after <c>kubectl secretgroup</c>).</summary>
    public static PluginArgs Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var operands = new List<string>();
        string? ns = null, kubeconfig = null, context = null;
        var all = false;
        var timeout = DefaultTimeout;
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inline) = Split(args[i]);
            string Value() => inline ?? (++i < args.Count ? args[i] : throw new PluginUsageException($"flag {name} needs a value"));
            switch (name)
            {
                case "-n" or "--namespace": ns = Value(); break;
                case "-A" or "--all-namespaces": all = true; break;
                case "--kubeconfig": kubeconfig = Value(); break;
                case "--context": context = Value(); break;
                case "--timeout": timeout = ParseTimeout(Value()); break;
                case "-h" or "--help": operands.Insert(0, "help"); break;
                default:
                    if (name.StartsWith('-') && name.Length > 1)
                    {
                        throw new PluginUsageException($"unknown flag {name}");
                    }

                    operands.Add(args[i]);
                    break;
            }
        }

        var command = operands.Count == 0 ? "help" : operands[0];
        return new PluginArgs(command, operands.Skip(1).ToList(), ns, all, kubeconfig, context, timeout);
    }

    /// <summary>The one operand a command takes, or a usage error naming it.</summary>
    public string OnlyOperand(string what) => Operands.Count == 1
        ? Operands[0]
        : throw new PluginUsageException($"{Command} takes exactly one {what}; usage: kubectl secretgroup {Command} <{what}>");

    private static (string Name, string? Inline) Split(string arg)
    {
        var eq = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith("--", StringComparison.Ordinal) && eq > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
    }

    private static TimeSpan ParseTimeout(string text) =>
        Durations.TryParse(text, out var value) && value > TimeSpan.Zero
            ? value
            : throw new PluginUsageException($"--timeout: '{text}' is not a positive duration such as 30s or 2m");
}

/// <summary>A command line the plugin cannot run; printed with exit code 2.</summary>
public sealed class PluginUsageException(string message) : Exception(message);
