using System.Text.Json.Nodes;

namespace Operator.Hosting.Flags;

/// <summary>A heading of <c>--help</c>; the flags under it set one options class.</summary>
public sealed record FlagGroup(string Title, string Description);
