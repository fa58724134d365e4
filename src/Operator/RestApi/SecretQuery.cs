using System.Text;
using Operator.Stores;

namespace Operator.RestApi;

/// <summary>The query of <c>GET /v1/secrets</c>, as sent (checked by <see cref="SecretService"/>).</summary>
public sealed record SecretQuery(string? SecretGroupId, string? SecretFqns, string? WithValue, string? Limit, string? Offset);
