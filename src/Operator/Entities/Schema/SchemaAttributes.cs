namespace Operator.Entities.Schema;

// Attributes that the CRD generator reads from the entity classes; the classes stay the one source of truth.

/// <summary>The property must be present (OpenAPI <c>required</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredAttribute : Attribute;

/// <summary>OpenAPI <c>pattern</c> for a string property (ECMA-262 regex, anchored by the caller).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PatternAttribute : Attribute
{
    private readonly Func<string> pattern;

    public PatternAttribute(string pattern) => this.pattern = () => pattern;

    /// <summary>The pattern is the value of a public static string property, computed when the schema is built.</summary>
    public PatternAttribute(Type source, string property) => this.pattern = () => StaticValue<string>(source, property);

    public string Pattern => pattern();

    internal static T StaticValue<T>(Type source, string property) =>
        source.GetProperty(property, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)?.GetValue(null) is T value
            ? value
            : throw new InvalidOperationException($"{source.Name}.{property} is not a public static {typeof(T).Name} property");
}

/// <summary>OpenAPI <c>enum</c> for a string property.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class EnumValuesAttribute(params string[] values) : Attribute
{
    public IReadOnlyList<string> Values { get; } = values;
}

/// <summary>OpenAPI <c>default</c>; the value is written as-is (string, bool or number).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DefaultAttribute(object value) : Attribute
{
    public object Value { get; } = value;
}

/// <summary>OpenAPI <c>minLength</c>/<c>maxLength</c> for strings; -1 means unset.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class LengthAttribute(int min = -1, int max = -1) : Attribute
{
    public int Min { get; } = min;
    public int Max { get; } = max;
}

/// <summary>OpenAPI <c>minItems</c>/<c>maxItems</c> for lists (<c>minProperties</c>/<c>maxProperties</c> for maps); -1 means unset.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ItemsAttribute(int min = -1, int max = -1) : Attribute
{
    public int Min { get; } = min;
    public int Max { get; } = max;
}

/// <summary>OpenAPI <c>minimum</c>/<c>maximum</c> for numbers.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RangeAttribute(double minimum, double maximum) : Attribute
{
    public double Minimum { get; } = minimum;
    public double Maximum { get; } = maximum;
}

/// <summary>A list of objects keyed by one property (<c>x-kubernetes-list-type: map</c>), so keys are unique.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListMapKeyAttribute(string key) : Attribute
{
    public string Key { get; } = key;
}

/// <summary>A list whose items are unique (<c>x-kubernetes-list-type: set</c>): the API server refuses a repeat.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListSetAttribute : Attribute;

/// <summary>Exactly one of the named JSON properties must be set: emitted as <c>oneOf</c> of required lists and as a CEL rule.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ExactlyOneOfAttribute : Attribute
{
    private readonly Func<IReadOnlyList<string>> properties;

    public ExactlyOneOfAttribute(params string[] jsonProperties) => properties = () => jsonProperties;

    /// <summary>The names are the value of a public static list property, computed when the schema is built.</summary>
    public ExactlyOneOfAttribute(Type source, string property) => properties = () => PatternAttribute.StaticValue<IReadOnlyList<string>>(source, property);

    public IReadOnlyList<string> Properties => properties();
}

/// <summary>Marks a property of the integration spec as one store's block; its JSON name is the provider's FQN segment.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ProviderBlockAttribute : Attribute;

/// <summary>A CEL validation rule (<c>x-kubernetes-validations</c>) on the object schema.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true)]
public sealed class CelRuleAttribute(string rule, string message) : Attribute
{
    public string Rule { get; } = rule;
    public string Message { get; } = message;
}

/// <summary>A <c>kubectl get</c> column (CRD <c>additionalPrinterColumns</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class PrinterColumnAttribute(string name, string type, string jsonPath) : Attribute
{
    public string Name { get; } = name;
    public string Type { get; } = type;
    public string JsonPath { get; } = jsonPath;
    public string? Description { get; init; }
    public int Priority { get; init; }
}

/// <summary>CRD <c>names.shortNames</c> and <c>names.categories</c>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ShortNamesAttribute(params string[] names) : Attribute
{
    public IReadOnlyList<string> Names { get; } = names;
}

/// <summary>Marks the entity class as served with a <c>/status</c> subresource.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class StatusSubresourceAttribute : Attribute;
