namespace Operator.Entities.Schema;

/// <summary>A CEL validation rule (<c>x-kubernetes-validations</c>) on the object schema.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true)]
public sealed class CelRuleAttribute(string rule, string message) : Attribute
{
    public string Rule { get; } = rule;
    public string Message { get; } = message;
}
