namespace Operator.Entities.Schema;

/// <summary>The property must be present (OpenAPI <c>required</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredAttribute : Attribute;

// Attributes that the CRD generator reads from the entity classes; the classes stay the one source of truth.
