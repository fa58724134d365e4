using Operator.Entities.V1Alpha1;

namespace Operator.References;

/// <summary>The providers this build knows, from the integration spec's store blocks (<see cref="ProviderBlocks"/>).</summary>
public static class ProviderSegments
{
    /// <summary>All segments in declaration order, as shown in error messages.</summary>
    public static IReadOnlyList<string> All => ProviderBlocks.Names;

    public static string ToSegment(this Provider provider) => provider.Segment ?? "";

    /// <summary>Exact, case-sensitive match of a segment to a provider.</summary>
    public static bool TryParse(string? segment, out Provider provider)
    {
        var known = segment is not null && ProviderBlocks.Names.Contains(segment, StringComparer.Ordinal);
        provider = known ? new Provider(segment!) : default;
        return known;
    }
}
