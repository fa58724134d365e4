using System.Text.Json;
using System.Text.Json.Serialization;

namespace Operator.RestApi;

/// <summary>Body of <c>PUT /v1/secret-groups</c>: create or update a group by name (an update only at <c>resourceVersion</c>, when given).</summary>
public sealed record ManifestRequest(
    [property: JsonPropertyName("manifest")] GroupManifest? Manifest,
    [property: JsonPropertyName("dryRun")] bool DryRun = false,
    [property: JsonPropertyName("resourceVersion")] string? ResourceVersion = null);
