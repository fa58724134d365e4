namespace Operator.Entities.Schema;

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
