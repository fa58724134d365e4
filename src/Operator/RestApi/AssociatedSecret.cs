using System.Text.Json;
using System.Text.Json.Serialization;

namespace Operator.RestApi;

/// <summary>One key of a group: <c>id</c> is <c>&lt;group uid&gt;:&lt;key&gt;</c>.</summary>
public sealed record AssociatedSecret(string Id, string Fqn, string Name, string? SecretGroupId);
