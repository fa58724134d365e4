using System.Text.Json;
using System.Text.Json.Serialization;

namespace Operator.RestApi;

/// <summary>The group manifest, in the product's snake_case field names.</summary>
public sealed record GroupManifest(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("integration_fqn")] string? IntegrationFqn,
    [property: JsonPropertyName("collaborators")] IReadOnlyList<ManifestCollaborator>? Collaborators);
