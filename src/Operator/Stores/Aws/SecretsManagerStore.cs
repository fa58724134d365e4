using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Operator.References;

namespace Operator.Stores.Aws;

/// <summary>
/// AWS Secrets Manager (<c>spec.aws.service: secrets-manager</c>): a path names a secret, or one key of a JSON secret
/// (<c>name#key</c>). Reads are batched, 20 secrets per BatchGetSecretValue; a version is a VersionId or a staging
/// label. Values are bytes: text is written as SecretString, anything else as SecretBinary, and both read back exactly.
/// Every call takes a rate-limit token and runs inside the integration's retry.
/// </summary>
public sealed class SecretsManagerStore : ISecretStore
{
    /// <summary>BatchGetSecretValue takes at most 20 secret ids.</summary>
    public const int BatchSize = 20;

    /// <summary>SecretString and SecretBinary: "Maximum length of 65536" bytes (PutSecretValue, CreateSecret).</summary>
    public const int MaxSecretBytes = 65536;

    public const string DefaultPrefix = "tfy-secret/";

    private const int ChunksInParallel = 4;
    private const string ProbeName = "tfy-operator-connectivity-probe";
    private readonly SecretsManagerClient client;
    private readonly string prefix;
    private readonly string? kmsKeyId;
    private readonly StoreContext context;

    internal SecretsManagerStore(SecretsManagerClient client, string prefix, string? kmsKeyId, StoreContext context)
    {
        this.client = client;
        this.prefix = prefix;
        this.kmsKeyId = string.IsNullOrEmpty(kmsKeyId) ? null : kmsKeyId;
        this.context = context;
    }

    public StoreCapabilities Capabilities { get; } = new(MaxBatchSize: BatchSize, CanWrite: true, MaxValueBytes: MaxSecretBytes, MaxConcurrency: ChunksInParallel);

    /// <summary>The prefix of default paths: <c>spec.pathPrefix</c> without a leading slash (names should not start with one).</summary>
    public static string NormalisePrefix(string? pathPrefix) => (pathPrefix ?? DefaultPrefix).TrimStart('/') is { Length: > 0 } p ? p.TrimEnd('/') + "/" : "";

    public string DefaultPath(GroupFqn group, string key)
    {
        ArgumentNullException.ThrowIfNull(group);
        return $"{prefix}{group.Tenant}/{group.Group}/{key}";
    }

    public async Task<IReadOnlyDictionary<string, StoreValue>> ReadManyAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var parsed = paths.Distinct(StringComparer.Ordinal).ToDictionary(p => p, SecretsManagerPaths.Parse, StringComparer.Ordinal);
        var secrets = new ConcurrentDictionary<string, JsonObject>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(
            parsed.Values.Select(p => p.Name).Distinct(StringComparer.Ordinal).Chunk(BatchSize),
            new ParallelOptions { MaxDegreeOfParallelism = ChunksInParallel, CancellationToken = cancellationToken },
            async (names, ct) =>
            {
                foreach (var (name, entry) in await BatchGetAsync(names, ct).ConfigureAwait(false))
                {
                    secrets[name] = entry;
                }
            }).ConfigureAwait(false);

        var result = new Dictionary<string, StoreValue>(StringComparer.Ordinal);
        foreach (var (path, (name, key)) in parsed)
        {
            if (secrets.TryGetValue(name, out var entry) && Select(entry, path, key) is { } value)
            {
                result[path] = value;
            }
        }

        return result;
    }

    public async Task<StoreValue?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var values = await ReadManyAsync([path], cancellationToken).ConfigureAwait(false);
        return values.TryGetValue(path, out var v) ? v : null;
    }

    /// <summary>GetSecretValue of a VersionId or a staging label; null when the secret or that version does not exist.</summary>
    public async Task<StoreValue?> ReadVersionAsync(string path, string version, CancellationToken cancellationToken)
    {
        var (name, key) = SecretsManagerPaths.Parse(path);
        ArgumentNullException.ThrowIfNull(version);
        var request = new JsonObject { ["SecretId"] = name };
        if (SecretsManagerPaths.IsVersionId(version))
        {
            request["VersionId"] = version;
        }
        else if (SecretsManagerPaths.IsStage(version))
        {
            request["VersionStage"] = version;
        }
        else
        {
            return null;
        }

        var response = await CallAsync("GetSecretValue", Echo.Quote(name), request, cancellationToken, allow: "ResourceNotFoundException").ConfigureAwait(false);
        return response.IsSuccess ? Select(response.Body, path, key) : null;
    }

    /// <summary>
    /// Writes a whole secret: PutSecretValue, or CreateSecret when it does not exist yet. One ClientRequestToken for
    /// every attempt makes a retried write one version, as Secrets Manager's idempotency promises.
    /// </summary>
    public async Task<string?> WriteAsync(string path, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        var (name, key) = SecretsManagerPaths.Parse(path);
        if (key is not null)
        {
            throw new SecretStoreException(StoreErrorKind.InvalidPath, $"{Echo.Quote(path)}: the operator writes whole secrets only; '#{key}' selects a key of a JSON secret for reads");
        }

        StoreText.CheckSize(path, value.Length, MaxSecretBytes, "bytes", "a Secrets Manager secret");
        var token = Guid.NewGuid().ToString();
        var body = new JsonObject { ["ClientRequestToken"] = token };
        if (Utf8.IsValid(value.Span))
        {
            body["SecretString"] = Encoding.UTF8.GetString(value.Span);
        }
        else
        {
            body["SecretBinary"] = Convert.ToBase64String(value.Span);
        }

        var put = (JsonObject)body.DeepClone();
        put["SecretId"] = name;
        var response = await CallAsync("PutSecretValue", Echo.Quote(name), put, cancellationToken, allow: "ResourceNotFoundException").ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            var create = (JsonObject)body.DeepClone();
            create["Name"] = name;
            if (kmsKeyId is not null)
            {
                create["KmsKeyId"] = kmsKeyId;
            }

            response = await CallAsync("CreateSecret", Echo.Quote(name), create, cancellationToken).ConfigureAwait(false);
        }

        return (string?)response.Body["VersionId"];
    }

    /// <summary>DeleteSecret without a recovery window, as SSM's DeleteParameter; a missing secret is already deleted.</summary>
    public async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        var (name, key) = SecretsManagerPaths.Parse(path);
        if (key is not null)
        {
            throw new SecretStoreException(StoreErrorKind.InvalidPath, $"{Echo.Quote(path)}: the operator deletes whole secrets only");
        }

        await CallAsync("DeleteSecret", Echo.Quote(name), new JsonObject { ["SecretId"] = name, ["ForceDeleteWithoutRecovery"] = true }, cancellationToken, allow: "ResourceNotFoundException").ConfigureAwait(false);
    }

    /// <summary>
    /// One BatchGetSecretValue of a probe name under the tenant's prefix (absent): it proves the credentials, the batch
    /// permission and read access with the resource a group read needs, so a policy scoped to the tenant's prefix allows it.
    /// </summary>
    public async Task ValidateAsync(CancellationToken cancellationToken) =>
        await BatchGetAsync([$"{prefix}{context.Fqn.Tenant}/{ProbeName}"], cancellationToken).ConfigureAwait(false);

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }

    // The current value of each named secret; absent ones (ResourceNotFoundException in Errors[]) are left out.
    private async Task<IReadOnlyList<(string Name, JsonObject Entry)>> BatchGetAsync(string[] names, CancellationToken cancellationToken)
    {
        var what = names.Length == 1 ? Echo.Quote(names[0]) : $"{names.Length} secrets";
        var response = await CallAsync("BatchGetSecretValue", what, new JsonObject { ["SecretIdList"] = new JsonArray([.. names.Select(n => (JsonNode?)JsonValue.Create(n))]) }, cancellationToken).ConfigureAwait(false);
        foreach (var error in (response.Body["Errors"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var code = (string?)error["ErrorCode"];
            if (code != "ResourceNotFoundException")
            {
                throw SecretsManagerErrors.Map(code, 400, response.RequestId, "BatchGetSecretValue", Echo.Quote((string?)error["SecretId"]));
            }
        }

        return [.. (response.Body["SecretValues"] as JsonArray ?? []).OfType<JsonObject>().Select(e => ((string?)e["Name"] ?? "", e))];
    }

    // The bytes of a secret version, or of one key of its JSON: a string key as its UTF-8, any other JSON as its text.
    private static StoreValue? Select(JsonObject entry, string path, string? key)
    {
        var version = (string?)entry["VersionId"];
        if (key is null)
        {
            return entry["SecretBinary"] is JsonValue binary
                ? new StoreValue(Convert.FromBase64String((string)binary!), version)
                : new StoreValue(Encoding.UTF8.GetBytes((string?)entry["SecretString"] ?? ""), version);
        }

        JsonObject? json;
        try
        {
            json = JsonNode.Parse((string?)entry["SecretString"] ?? "") as JsonObject;
        }
        catch (JsonException)
        {
            json = null;
        }

        if (json is null)
        {
            throw new SecretStoreException(StoreErrorKind.InvalidPath, $"{Echo.Quote(path)}: the secret is not a JSON object, so '#{key}' selects nothing; reference the whole secret");
        }

        return json[key] switch
        {
            null => null,
            JsonValue text when text.GetValueKind() == JsonValueKind.String => new StoreValue(Encoding.UTF8.GetBytes((string)text!), version),
            var other => new StoreValue(Encoding.UTF8.GetBytes(other.ToJsonString()), version),
        };
    }

    // A failure becomes a SecretStoreException unless its code is the one the caller handles (<paramref name="allow"/>).
    private Task<SecretsManagerResponse> CallAsync(string operation, string what, JsonObject body, CancellationToken cancellationToken, string? allow = null) =>
        context.Retry.ExecuteAsync(
            async ct =>
            {
                await context.RateLimiter.AcquireAsync(ct).ConfigureAwait(false);
                var response = await client.SendAsync(operation, body, ct).ConfigureAwait(false);
                return response.IsSuccess || response.ErrorCode == allow ? response : throw SecretsManagerErrors.Map(response, operation, what);
            },
            cancellationToken);
}
