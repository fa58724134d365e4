using System.Text.Json;
using System.Text.Json.Serialization;

namespace Operator.RestApi;

/// <summary>Body of <c>PUT /v1/secret-groups</c>: create or update a group by name (an update only at <c>resourceVersion</c>, when given).</summary>
public sealed record ManifestRequest(
    [property: JsonPropertyName("manifest")] GroupManifest? Manifest,
    [property: JsonPropertyName("dryRun")] bool DryRun = false,
    [property: JsonPropertyName("resourceVersion")] string? ResourceVersion = null);

/// <summary>The group manifest, in the product's snake_case field names.</summary>
public sealed record GroupManifest(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("integration_fqn")] string? IntegrationFqn,
    [property: JsonPropertyName("collaborators")] IReadOnlyList<ManifestCollaborator>? Collaborators);

/// <summary>A collaborator in a manifest.</summary>
public sealed record ManifestCollaborator(
    [property: JsonPropertyName("role_id")] string? RoleId,
    [property: JsonPropertyName("subject")] string? Subject);

/// <summary>
/// Body of <c>PUT /v1/secret-groups/{id}</c>: the complete list of keys, with new values where given. Leaving keys out
/// needs the group's <c>resourceVersion</c> (here or in If-Match); an empty list needs <c>allowEmpty</c>.
/// </summary>
public sealed record SetSecretsRequest(
    [property: JsonPropertyName("secrets")] IReadOnlyList<SecretInput?>? Secrets,
    [property: JsonPropertyName("allowEmpty")] bool? AllowEmpty = null,
    [property: JsonPropertyName("resourceVersion")] string? ResourceVersion = null);

/// <summary>One key and, optionally, its new value: <c>value</c> as text (stored as UTF-8) or <c>valueBase64</c> as bytes.</summary>
public sealed record SecretInput(
    [property: JsonPropertyName("key")] string? Key,
    [property: JsonPropertyName("value")] string? Value,
    [property: JsonPropertyName("valueBase64")] string? ValueBase64 = null)
{
    /// <summary>Whether a new value is given, in either form.</summary>
    [JsonIgnore]
    public bool HasValue => Value is not null || ValueBase64 is not null;

    /// <summary>The new value's bytes (the input was validated by <see cref="SecretsValidator"/>).</summary>
    public byte[] Bytes() => ValueBase64 is not null ? Convert.FromBase64String(ValueBase64) : System.Text.Encoding.UTF8.GetBytes(Value ?? "");

    /// <summary>Never prints the value.</summary>
    public override string ToString() => $"SecretInput(key: {Key}, hasValue: {HasValue})";
}

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

/// <summary>One key of a group: <c>id</c> is <c>&lt;group uid&gt;:&lt;key&gt;</c>.</summary>
public sealed record AssociatedSecret(string Id, string Fqn, string Name, string? SecretGroupId);

/// <summary>A page of groups.</summary>
public sealed record GroupPage(IReadOnlyList<GroupView> Data, Pagination Pagination);

/// <summary>Where a page sits in the whole list.</summary>
public sealed record Pagination(int Total, int Offset, int Limit);

/// <summary>Every error answer: <c>{"error": {"code", "message"}}</c>.</summary>
public sealed record ErrorResponse(ErrorDetail Error);

/// <summary>Machine-readable code and a message naming the field and the problem.</summary>
public sealed record ErrorDetail(string Code, string Message);

/// <summary>JSON settings of the API: camelCase, case-insensitive reading.</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}
