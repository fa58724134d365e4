using System.Linq.Expressions;
using System.Reflection;
using Operator.Entities.V1Alpha1;
using Operator.References;

namespace Operator.Stores;

/// <summary>What a store factory declares: its spec block, whose JSON name is the provider's FQN segment.</summary>
public sealed class StoreProvider
{
    private readonly PropertyInfo block;

    private StoreProvider(PropertyInfo block, string segment)
    {
        this.block = block;
        Id = new Provider(segment);
    }

    /// <summary>The provider segment (<c>aws</c>, <c>gcp</c>, ...).</summary>
    public Provider Id { get; }

    /// <summary>The block as a user writes it in messages, e.g. <c>spec.aws</c>.</summary>
    public string Field => $"spec.{Id.Segment}";

    /// <summary>Declares the store of spec block <paramref name="block"/>, a <c>[ProviderBlock]</c> property of the spec.</summary>
    public static StoreProvider Of<TBlock>(Expression<Func<SecretStoreIntegrationSpec, TBlock?>> block)
        where TBlock : class
    {
        ArgumentNullException.ThrowIfNull(block);
        var property = (block.Body as MemberExpression)?.Member as PropertyInfo;
        var segment = ProviderBlocks.Names.FirstOrDefault(n => ProviderBlocks.Property(n) == property);
        return property is not null && segment is not null
            ? new StoreProvider(property, segment)
            : throw new ArgumentException($"'{block}' must name a [ProviderBlock] property of SecretStoreIntegrationSpec", nameof(block));
    }

    /// <summary>Whether <paramref name="spec"/> sets this block.</summary>
    public bool IsSetIn(SecretStoreIntegrationSpec spec) => block.GetValue(spec) is not null;

    public override string ToString() => Field;
}
