using System.Text.Json;
using System.Text.Json.Serialization;

namespace Operator.RestApi;

/// <summary>
/// Body of <c>PUT /v1/secret-groups/{id}</c>: the complete list of keys, with new values where given. Leaving keys out
/// needs the group's <c>resourceVersion</c> (here or in If-Match); an empty list needs <c>allowEmpty</c>.
/// </summary>
public sealed record SetSecretsRequest(
    [property: JsonPropertyName("secrets")] IReadOnlyList<SecretInput?>? Secrets,
    [property: JsonPropertyName("allowEmpty")] bool? AllowEmpty = null,
    [property: JsonPropertyName("resourceVersion")] string? ResourceVersion = null);
