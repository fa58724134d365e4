using Microsoft.Extensions.Configuration;

namespace Operator.Hosting.Flags;

/// <summary>
/// The flags given (on the command line, in the environment or in configuration), parsed, with the problems found.
/// A flag not given has its default. Built by <see cref="FlagParser"/>; binds the options classes.
/// </summary>
public sealed class FlagValues
{
    private readonly Dictionary<Flag, (object Value, string Text, string Label)> given = [];
    private readonly List<FlagProblem> problems = [];

    internal FlagValues(IReadOnlyList<Flag> flags, IReadOnlyList<Func<FlagValues, string?>> rules)
    {
        Flags = flags;
        Rules = rules;
    }

    public IReadOnlyList<Flag> Flags { get; }

    private IReadOnlyList<Func<FlagValues, string?>> Rules { get; }

    /// <summary>One line each, naming the flag as it was given and what is allowed.</summary>
    public IReadOnlyList<FlagProblem> Problems => problems;

    public bool IsValid => problems.Count == 0;

    /// <summary>The flags given explicitly, in table order, as canonical arguments.</summary>
    public IReadOnlyList<string> Arguments =>
        [.. Flags.Where(given.ContainsKey).Select(f => $"{f.Switch}={given[f].Text}")];

    /// <summary>Reads every flag's configuration key (<c>SyncInterval</c> for <c>--sync-interval</c>); other keys are ignored.</summary>
    public static FlagValues FromConfiguration(IConfiguration configuration, IReadOnlyList<Flag>? flags = null, IReadOnlyList<Func<FlagValues, string?>>? rules = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var values = new FlagValues(flags ?? OperatorFlags.All, rules ?? OperatorFlags.Rules);
        foreach (var flag in values.Flags)
        {
            if (configuration[flag.ConfigKey] is { } text)
            {
                values.Set(flag, text, $"{flag.ConfigKey} ({flag.Switch})");
            }
        }

        return values.Checked();
    }

    public TValue Get<TOptions, TValue>(Flag<TOptions, TValue> flag)
        where TOptions : class, new()
        where TValue : notnull
    {
        ArgumentNullException.ThrowIfNull(flag);
        return given.TryGetValue(flag, out var v) ? (TValue)v.Value : flag.Default;
    }

    public bool IsGiven(Flag flag) => given.ContainsKey(flag);

    /// <summary>The flag as the user gave it (<c>--metrics-port=8080</c>), or its default.</summary>
    public string Describe(Flag flag)
    {
        ArgumentNullException.ThrowIfNull(flag);
        return given.TryGetValue(flag, out var v) ? $"{v.Label}={v.Text}" : $"{flag.Switch}={flag.DefaultArgument} (the default)";
    }

    /// <summary>Sets every given flag of <typeparamref name="TOptions"/> on <paramref name="options"/>.</summary>
    public TOptions Bind<TOptions>(TOptions options)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (flag, (value, _, _)) in given.Where(g => g.Key.OptionsType == typeof(TOptions)))
        {
            flag.Apply(options, value);
        }

        return options;
    }

    /// <summary>Parses <paramref name="text"/> for <paramref name="flag"/>; <paramref name="label"/> names it as the user did.</summary>
    internal void Set(Flag flag, string text, string label)
    {
        if (flag.TryParse(text, out var value))
        {
            given[flag] = (value!, text, label);
        }
        else
        {
            problems.Add(new FlagProblem([flag], $"{label}: invalid value {Echo.Quote(text)}: expected {flag.Allowed}"));
        }
    }

    internal void Fail(string message, params Flag[] flags) => problems.Add(new FlagProblem(flags, message));

    /// <summary>Runs the rules across flags once every flag parsed.</summary>
    internal FlagValues Checked()
    {
        if (problems.Count == 0)
        {
            foreach (var rule in Rules)
            {
                if (rule(this) is { } message)
                {
                    problems.Add(new FlagProblem([.. Flags.Where(f => message.Contains(Describe(f), StringComparison.Ordinal))], message));
                }
            }
        }

        return this;
    }
}
