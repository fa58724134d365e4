namespace Operator.Entities.Schema;

/// <summary>Marks a property of the integration spec as one store's block; its JSON name is the provider's FQN segment.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ProviderBlockAttribute : Attribute;
