using System.Text.Json;
using System.Text.Json.Serialization;

namespace Operator.RestApi;

/// <summary>A collaborator in a manifest.</summary>
public sealed record ManifestCollaborator(
    [property: JsonPropertyName("role_id")] string? RoleId,
    [property: JsonPropertyName("subject")] string? Subject);
