using System.Text.Json.Nodes;

namespace Operator.Hosting.Flags;

/// <summary>
/// One flag of the operator binary: its name, its group, what it sets, its default and what it allows. The table in
/// <see cref="OperatorFlags"/> is the one source for the parser, <c>--help</c>, the manifests' args and the chart's
/// values schema.
/// </summary>
public abstract class Flag
{
    /// <summary>Environment variables that set a flag start with this.</summary>
    public const string EnvironmentPrefix = "SECRETGROUP_";

    protected Flag(string name, FlagGroup group, string help, string? helmValue)
    {
        Name = name;
        Group = group;
        Help = help;
        HelmValue = helmValue;
    }

    /// <summary>The name without dashes: <c>sync-interval</c>.</summary>
    public string Name { get; }

    /// <summary>The flag as typed: <c>--sync-interval</c>.</summary>
    public string Switch => "--" + Name;

    public FlagGroup Group { get; }

    public string Help { get; }

    /// <summary>Dotted path of the Helm value the chart passes as this flag (<c>webhook.port</c>); null when the chart sets no value for it.</summary>
    public string? HelmValue { get; }

    /// <summary>The configuration key (case-insensitive) that also sets it, e.g. in tests: <c>SyncInterval</c>.</summary>
    public string ConfigKey => Name.Replace("-", "", StringComparison.Ordinal);

    /// <summary><c>SECRETGROUP_SYNC_INTERVAL</c>.</summary>
    public string EnvironmentVariable => EnvironmentPrefix + Name.ToUpperInvariant().Replace('-', '_');

    /// <summary>The options class this flag sets.</summary>
    public abstract Type OptionsType { get; }

    public abstract bool IsBool { get; }

    public abstract string ValueName { get; }

    public abstract string Allowed { get; }

    /// <summary>The default as <c>--help</c> shows it.</summary>
    public abstract string DefaultText { get; }

    /// <summary>The default as an argument (<c>--flag=value</c>).</summary>
    public abstract string DefaultArgument { get; }

    public abstract bool TryParse(string text, out object? value);

    /// <summary>Sets the parsed value on an instance of <see cref="OptionsType"/>.</summary>
    public abstract void Apply(object options, object value);

    public abstract JsonObject ValuesSchema();

    public abstract string ArgumentOf(JsonNode helmValue);

    public abstract IReadOnlyList<JsonNode> InvalidExamples { get; }

    public override string ToString() => Switch;
}

/// <summary>A flag that sets one property of <typeparamref name="TOptions"/>; the default is that property's initial value.</summary>
public sealed class Flag<TOptions, TValue>(
    string name,
    FlagGroup group,
    FlagType<TValue> type,
    Func<TOptions, TValue> get,
    Action<TOptions, TValue> set,
    string help,
    string? helmValue = null,
    string? defaultText = null) : Flag(name, group, help, helmValue)
    where TOptions : class, new()
    where TValue : notnull
{
    public FlagType<TValue> Type => type;

    public TValue Default => get(new TOptions());

    public override Type OptionsType => typeof(TOptions);

    public override bool IsBool => type is BoolType;

    public override string ValueName => type.ValueName;

    public override string Allowed => type.Allowed;

    public override string DefaultText => defaultText ?? type.Format(Default);

    public override string DefaultArgument => type.Format(Default);

    public override bool TryParse(string text, out object? value)
    {
        var ok = type.TryParse(text, out var parsed);
        value = ok ? parsed : null;
        return ok;
    }

    public override void Apply(object options, object value) => set((TOptions)options, (TValue)value);

    public override JsonObject ValuesSchema()
    {
        var schema = type.Schema();
        schema["description"] = $"{Help} ({Switch})";
        return schema;
    }

    public override string ArgumentOf(JsonNode helmValue) => type.ArgumentOf(helmValue);

    public override IReadOnlyList<JsonNode> InvalidExamples => type.InvalidExamples;
}
