using Operator.References;

namespace Operator.Stores;

/// <summary>
/// What spec.dataFrom[].find asks a store for: paths starting with <see cref="Prefix"/> whose name (the path after the
/// prefix) passes <see cref="Name"/> and that carry every tag of <see cref="Tags"/>; at most <see cref="Limit"/> of them.
/// </summary>
public sealed record ListQuery(string Prefix, Func<string, bool> Name, IReadOnlyDictionary<string, string> Tags, int Limit)
{
    /// <summary>The most entries one listing may look at (matching or not), so a find costs bounded calls.</summary>
    public const int MaxScanned = 5000;
}
