using System.Text.Json;
using System.Text.Json.Serialization;

namespace Operator.RestApi;

/// <summary>A group as the API shows it; values are never part of it. <c>ResourceVersion</c> is what If-Match takes.</summary>
public sealed record GroupView(
    string? Id,
    string ResourceVersion,
    string Fqn,
    string TenantName,
    string IntegrationId,
    GroupManifest Manifest,
    IReadOnlyList<AssociatedSecret> AssociatedSecrets,
    DateTime? CreatedAt,
    DateTime? UpdatedAt);
