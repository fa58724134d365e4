using System.Collections;

namespace Operator.Hosting.Flags;

/// <summary>
/// Parses <c>--flag=value</c>, <c>--flag value</c> and a bare boolean <c>--flag</c>, then fills what the command line
/// left out from the flags' environment variables. Unknown flags, stray words, repeated flags and bad values become
/// problems that name the flag as the user typed it; nothing throws.
/// </summary>
public static class FlagParser
{
    public static FlagValues Parse(IReadOnlyList<string> args, IDictionary? environment = null, IReadOnlyList<Flag>? flags = null, IReadOnlyList<Func<FlagValues, string?>>? rules = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var values = new FlagValues(flags ?? OperatorFlags.All, rules ?? OperatorFlags.Rules);
        var byName = values.Flags.ToDictionary(f => f.Name, StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                var previous = i > 0 ? byName.GetValueOrDefault(args[i - 1].TrimStart('-')) : null;
                values.Fail(arg.StartsWith('-')
                    ? $"unknown flag {Echo.Quote(arg)}: flags start with two dashes, such as --tenant=my-tenant{Hint}"
                    : previous is { IsBool: true } && bool.TryParse(arg, out _)
                        ? $"unexpected argument {Echo.Quote(arg)}: write {previous.Switch}={arg.ToLowerInvariant()}{Hint}"
                        : $"unexpected argument {Echo.Quote(arg)}: flags look like --tenant=my-tenant{Hint}");
                continue;
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? arg[2..] : arg[2..eq];
            if (!byName.TryGetValue(name, out var flag))
            {
                var near = Nearest(name, values.Flags);
                values.Fail($"unknown flag {Echo.Quote("--" + name)}{(near is null ? "" : $"; did you mean {near.Switch}?")}{Hint}");
                continue;
            }

            string text;
            if (eq >= 0)
            {
                text = arg[(eq + 1)..];
            }
            else if (flag.IsBool)
            {
                text = "true";
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                text = args[++i];
            }
            else
            {
                values.Fail($"{flag.Switch} needs a value: {flag.Allowed}", flag);
                continue;
            }

            if (values.IsGiven(flag))
            {
                values.Fail($"{flag.Switch} is given twice; give it once", flag);
                continue;
            }

            values.Set(flag, text, flag.Switch);
        }

        environment ??= Environment.GetEnvironmentVariables();
        foreach (var flag in values.Flags.Where(f => !values.IsGiven(f)))
        {
            if (environment[flag.EnvironmentVariable] is string text)
            {
                values.Set(flag, text, flag.EnvironmentVariable);
            }
        }

        return values.Checked();
    }

    private const string Hint = " (see --help)";

    /// <summary>The flag a typo most likely meant: at most a third of its letters off.</summary>
    private static Flag? Nearest(string name, IEnumerable<Flag> flags) =>
        flags.Select(f => (Flag: f, Distance: Distance(name.ToLowerInvariant(), f.Name)))
            .Where(p => p.Distance <= Math.Max(2, p.Flag.Name.Length / 3))
            .OrderBy(p => p.Distance)
            .Select(p => p.Flag)
            .FirstOrDefault();

    private static int Distance(string a, string b)
    {
        if (a.Length > 100)
        {
            return int.MaxValue;
        }

        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
