namespace Operator.Entities.Schema;

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
