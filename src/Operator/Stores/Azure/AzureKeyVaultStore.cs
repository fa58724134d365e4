using System.Collections.Concurrent;
using Azure;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Operator.References;

namespace Operator.Stores.Azure;

/// <summary>Azure Key Vault secrets: a path is a secret name; one GetSecret per key, a few at a time.</summary>
public sealed partial class AzureKeyVaultStore(SecretClient client, Uri vault, StoreContext context) : ISecretStore
{
    /// <summary>
    /// Key Vault keeps a secret value of at most 25k bytes (docs, "About Azure Key Vault secrets": "a maximum size of 25k
    /// bytes each"); <c>az keyvault secret set</c> refuses "beyond the maximum permitted length of 25600 characters".
    /// </summary>
    public const int MaxValueCharacters = 25600;

    private const int ReadsInParallel = 4;

    // Looked up to validate the connection; a 404 proves the credentials and the get permission work.
    private const string ProbeName = "tfy-operator-connectivity-probe";

    public StoreCapabilities Capabilities { get; } = new(MaxBatchSize: 100, CanWrite: true, MaxValueBytes: MaxValueCharacters, MaxConcurrency: ReadsInParallel, CanList: true, ListsByTags: true);

    /// <summary>The name <see cref="AzureSecretNames.Encode"/> gives; a too-long one is refused when read or written.</summary>
    public string DefaultPath(GroupFqn group, string key)
    {
        ArgumentNullException.ThrowIfNull(group);
        return AzureSecretNames.Encode(group.Tenant, group.Group, key);
    }

    public async Task<IReadOnlyDictionary<string, StoreValue>> ReadManyAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var names = paths.Distinct(StringComparer.Ordinal).ToList();
        foreach (var name in names)
        {
            CheckName(name);
        }

        var result = new ConcurrentDictionary<string, StoreValue>(StringComparer.Ordinal);
        using var throttle = new SemaphoreSlim(Capabilities.MaxConcurrency);
        await Task.WhenAll(names.Select(async name =>
        {
            await throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (await GetAsync(name, cancellationToken).ConfigureAwait(false) is { } value)
                {
                    result[name] = value;
                }
            }
            finally
            {
                throttle.Release();
            }
        })).ConfigureAwait(false);
        return result;
    }

    public Task<StoreValue?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        CheckName(path);
        return GetAsync(path, cancellationToken);
    }

    /// <summary>GET secrets/{name}/{version}: Key Vault keeps every version until the secret is purged.</summary>
    public Task<StoreValue?> ReadVersionAsync(string path, string version, CancellationToken cancellationToken)
    {
        CheckName(path);

        // Versions are 32 hex characters; anything else would be a different URL, not a version.
        return version.Length == 32 && version.All(char.IsAsciiHexDigit) ? GetAsync(path, cancellationToken, version) : Task.FromResult<StoreValue?>(null);
    }

    public async Task<string?> WriteAsync(string path, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        CheckName(path);
        var text = StoreText.Encode(value.Span);
        StoreText.CheckSize(path, text.Length, MaxValueCharacters, "characters", "a Key Vault secret");
        var written = await CallAsync("write", path, async ct =>
        {
            try
            {
                return (await client.SetSecretAsync(path, text, ct).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // Soft delete keeps a deleted name reserved: recover it (old versions come back), then write on top.
                var recovery = await client.StartRecoverDeletedSecretAsync(path, ct).ConfigureAwait(false);
                await recovery.WaitForCompletionAsync(ct).ConfigureAwait(false);
                return (await client.SetSecretAsync(path, text, ct).ConfigureAwait(false)).Value;
            }
        }, cancellationToken).ConfigureAwait(false);
        return written.Properties.Version;
    }

    public Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        CheckName(path);
        return CallAsync("delete", path, async ct =>
        {
            try
            {
                await client.StartDeleteSecretAsync(path, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
            }

            return true;
        }, cancellationToken);
    }

    public Task ValidateAsync(CancellationToken cancellationToken) => GetAsync(ProbeName, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Task<StoreValue?> GetAsync(string name, CancellationToken cancellationToken, string? version = null) =>
        CallAsync("read", name, async ct =>
        {
            try
            {
                var secret = (await client.GetSecretAsync(name, version, ct).ConfigureAwait(false)).Value;
                return new StoreValue(StoreText.Decode(secret.Value), secret.Properties.Version);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return null;
            }
        }, cancellationToken);

    // One token of the integration's rate limit per attempt; throttling is retried by StoreRetry, not by the SDK.
    private Task<T> CallAsync<T>(string operation, string name, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        context.Retry.ExecuteAsync(
            async ct =>
            {
                await context.RateLimiter.AcquireAsync(ct).ConfigureAwait(false);
                try
                {
                    return await call(ct).ConfigureAwait(false);
                }
                catch (RequestFailedException e)
                {
                    throw Translate(e, operation, name);
                }
                catch (CredentialUnavailableException)
                {
                    throw new SecretStoreException(StoreErrorKind.AuthenticationFailed, $"no Azure identity is available to '{context.Fqn}' (no workload or managed identity in this pod); set spec.azure.auth");
                }
                catch (AuthenticationFailedException)
                {
                    throw new SecretStoreException(StoreErrorKind.AuthenticationFailed, $"Microsoft Entra ID refused the credentials of '{context.Fqn}' for vault {vault.Host}; check spec.azure.auth and the client secret");
                }
            },
            cancellationToken);

    // RequestFailedException.Message holds the response body and headers: only the status and error code are kept.
    private SecretStoreException Translate(RequestFailedException e, string operation, string name)
    {
        var code = string.IsNullOrEmpty(e.ErrorCode) ? "" : $", {new string(e.ErrorCode.Where(char.IsAsciiLetterOrDigit).Take(64).ToArray())}";
        var what = $"{operation} of secret '{name}' in vault {vault.Host}";
        return e.Status switch
        {
            401 => new SecretStoreException(StoreErrorKind.AuthenticationFailed, $"Key Vault refused the token for the {what} (401{code}); check spec.azure.auth"),

            // A disabled secret answers 403 Forbidden with inner error SecretDisabled: not a missing permission.
            403 when InnerErrorCode(e) == "SecretDisabled" => new SecretStoreException(StoreErrorKind.Disabled, $"secret '{name}' in vault {vault.Host} is disabled; enable it to sync it again (403 SecretDisabled)"),
            403 => new SecretStoreException(StoreErrorKind.AccessDenied, $"the identity of '{context.Fqn}' may not {operation} secrets in vault {vault.Host} (403{code}); grant it a Key Vault secrets role or access policy"),
            429 => new SecretStoreException(StoreErrorKind.Throttled, $"Key Vault throttled the {what} (429)") { RetryAfter = RetryAfterOf(e) },
            409 => new SecretStoreException(StoreErrorKind.Unavailable, $"the {what} conflicted (409{code}); a deleted secret of that name may be being recovered or purged"),
            400 => new SecretStoreException(StoreErrorKind.InvalidPath, $"Key Vault refused the {what} (400{code})"),
            0 => new SecretStoreException(StoreErrorKind.Unavailable, $"cannot reach vault {vault.Host} for the {what}"),
            _ => new SecretStoreException(StoreErrorKind.Unavailable, $"the {what} failed with HTTP {e.Status}{code}"),
        };
    }

    // Key Vault throttling guidance: wait the Retry-After (seconds) the 429 carries before retrying.
    private TimeSpan? RetryAfterOf(RequestFailedException e) =>
        e.GetRawResponse() is { } response && response.Headers.TryGetValue("Retry-After", out var value)
            ? RetryHints.FromRetryAfter(value, context.Time.GetUtcNow())
            : null;

    // Only the inner error code, a short identifier, is read from the body (its message is free text).
    private static string? InnerErrorCode(RequestFailedException e)
    {
        try
        {
            var body = e.GetRawResponse()?.Content?.ToString();
            var code = body is null ? null : System.Text.Json.Nodes.JsonNode.Parse(body)?["error"]?["innererror"]?["code"]?.GetValue<string>();
            return code is { Length: <= 64 } && code.All(char.IsAsciiLetterOrDigit) ? code : null;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static void CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (AzureSecretNames.IsValid(name))
        {
            return;
        }

        if (name.Length > AzureSecretNames.MaxLength && AzureSecretNames.Decode(name) is var (tenant, group, key))
        {
            throw new SecretStoreException(StoreErrorKind.InvalidPath, $"key '{key}' of group '{tenant}:{group}' maps to a Key Vault secret name of {name.Length} characters; the limit is {AzureSecretNames.MaxLength}: shorten the key or the group name, or set remoteRef");
        }

        throw new SecretStoreException(StoreErrorKind.InvalidPath, $"path {Echo.Quote(name)} is not a Key Vault secret name (1 to {AzureSecretNames.MaxLength} letters, digits and '-')");
    }
}
