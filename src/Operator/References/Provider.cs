namespace Operator.References;

/// <summary>The external secret managers an integration can point at.</summary>
public enum Provider
{
    Aws,
    Gcp,
    Azure,
    Hashicorp,
    Kubernetes,
}

/// <summary>Maps <see cref="Provider"/> to and from its lowercase FQN segment (<c>aws</c>, <c>gcp</c>, ...).</summary>
public static class ProviderSegments
{
    /// <summary>All segments in declaration order, as shown in error messages.</summary>
    public static IReadOnlyList<string> All { get; } = ["aws", "gcp", "azure", "hashicorp", "kubernetes"];

    public static string ToSegment(this Provider provider) => provider switch
    {
        Provider.Aws => "aws",
        Provider.Gcp => "gcp",
        Provider.Azure => "azure",
        Provider.Hashicorp => "hashicorp",
        Provider.Kubernetes => "kubernetes",
        // An undefined enum value cannot come out of the parser; show it rather than throw.
        _ => ((int)provider).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Exact, case-sensitive match of a segment to a provider.</summary>
    public static bool TryParse(string? segment, out Provider provider)
    {
        switch (segment)
        {
            case "aws": provider = Provider.Aws; return true;
            case "gcp": provider = Provider.Gcp; return true;
            case "azure": provider = Provider.Azure; return true;
            case "hashicorp": provider = Provider.Hashicorp; return true;
            case "kubernetes": provider = Provider.Kubernetes; return true;
            default: provider = default; return false;
        }
    }
}
