using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Operator.Stores.Gcp;

/// <summary>The few Secret Manager v1 REST calls the store makes; every call takes a rate-limit token and is retried when throttled.</summary>
public sealed class GcpSecretManagerClient(HttpClient http, Uri baseUri, GcpTokenSource tokens, TokenBucket limiter, StoreRetry retry) : IDisposable
{
    /// <summary>The latest version's payload and version number, or null when the secret or its versions do not exist.</summary>
    public Task<(byte[] Data, string Version)?> AccessLatestAsync(string project, string id, CancellationToken cancellationToken) =>
        AccessAsync(project, id, "latest", cancellationToken);

    /// <summary>One version's payload (<paramref name="wanted"/> a number or <c>latest</c>), or null when it does not exist or is destroyed.</summary>
    public Task<(byte[] Data, string Version)?> AccessAsync(string project, string id, string wanted, CancellationToken cancellationToken) =>
        retry.ExecuteAsync(ct => AccessOnceAsync(project, id, wanted, ct), cancellationToken);

    private async Task<(byte[] Data, string Version)?> AccessOnceAsync(string project, string id, string wanted, CancellationToken cancellationToken)
    {
        var body = await SendOnceAsync(HttpMethod.Get, $"projects/{project}/secrets/{id}/versions/{wanted}:access", null, $"read secret '{id}'", cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return null;
        }

        var data = body["payload"]?["data"]?.GetValue<string>();
        var version = VersionOf(body["name"]?.GetValue<string>());
        if (data is null || version is null)
        {
            throw new SecretStoreException(StoreErrorKind.Unavailable, $"GCP Secret Manager answered a read of secret '{id}' without payload or version name");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(data);
        }
        catch (FormatException)
        {
            throw new SecretStoreException(StoreErrorKind.Unavailable, $"GCP Secret Manager answered a read of secret '{id}' with a payload that is not base64");
        }

        // Google's guidance for versions.access: verify payload.dataCrc32c and, on a mismatch, access again.
        if (body["payload"]?["dataCrc32c"]?.GetValue<string>() is { } sent
            && (!ulong.TryParse(sent, System.Globalization.NumberStyles.None, CultureInfo.InvariantCulture, out var expected) || expected != Crc32C.Compute(bytes)))
        {
            throw new SecretStoreException(StoreErrorKind.Unavailable, $"GCP Secret Manager answered a read of secret '{id}' whose payload does not match its dataCrc32c; it was damaged on the way") { RetryInCall = true };
        }

        return (bytes, version);
    }

    /// <summary>Adds a version and returns its number, or null when the secret does not exist.</summary>
    public async Task<string?> AddVersionAsync(string project, string id, byte[] data, CancellationToken cancellationToken)
    {
        var request = new JsonObject { ["payload"] = new JsonObject { ["data"] = Convert.ToBase64String(data) } };
        var body = await SendAsync(HttpMethod.Post, $"projects/{project}/secrets/{id}:addVersion", request, $"add a version to secret '{id}'", cancellationToken).ConfigureAwait(false);
        return body is null ? null : VersionOf(body["name"]?.GetValue<string>())
            ?? throw new SecretStoreException(StoreErrorKind.Unavailable, $"GCP Secret Manager answered addVersion of secret '{id}' without a version name");
    }

    /// <summary>Creates a secret with automatic replication; one that already exists is fine.</summary>
    public Task CreateSecretAsync(string project, string id, CancellationToken cancellationToken)
    {
        var request = new JsonObject { ["replication"] = new JsonObject { ["automatic"] = new JsonObject() } };
        return SendAsync(HttpMethod.Post, $"projects/{project}/secrets?secretId={id}", request, $"create secret '{id}'", cancellationToken);
    }

    /// <summary>Deletes a secret and all its versions; a missing one is fine.</summary>
    public Task DeleteSecretAsync(string project, string id, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, $"projects/{project}/secrets/{id}", null, $"delete secret '{id}'", cancellationToken);

    /// <summary>Lists one secret: proves the token works and the account may list secrets; false when the project is not found.</summary>
    public async Task<bool> ListAsync(string project, CancellationToken cancellationToken) =>
        await SendAsync(HttpMethod.Get, $"projects/{project}/secrets?pageSize=1", null, $"list secrets of project '{project}'", cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>One page of secrets.list with <paramref name="filter"/>; null when the project is not found.</summary>
    public Task<JsonNode?> ListPageAsync(string project, string filter, string? pageToken, int pageSize, CancellationToken cancellationToken) =>
        SendAsync(
            HttpMethod.Get,
            $"projects/{project}/secrets?pageSize={pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)}&filter={Uri.EscapeDataString(filter)}{(pageToken is null ? "" : "&pageToken=" + Uri.EscapeDataString(pageToken))}",
            null,
            $"list secrets of project '{project}'",
            cancellationToken);

    public void Dispose()
    {
        http.Dispose();
        tokens.Dispose();
    }

    /// <summary>The version number at the end of <c>projects/p/secrets/s/versions/n</c>.</summary>
    internal static string? VersionOf(string? name)
    {
        var at = name?.LastIndexOf("/versions/", StringComparison.Ordinal) ?? -1;
        return at < 0 ? null : name![(at + "/versions/".Length)..] is { Length: > 0 } v ? v : null;
    }

    // Null for 404 (absent) and 409 (already exists); the parsed body otherwise.
    private Task<JsonNode?> SendAsync(HttpMethod method, string relative, JsonObject? content, string what, CancellationToken cancellationToken) =>
        retry.ExecuteAsync(ct => SendOnceAsync(method, relative, content, what, ct), cancellationToken);

    private async Task<JsonNode?> SendOnceAsync(HttpMethod method, string relative, JsonObject? content, string what, CancellationToken cancellationToken)
    {
        await limiter.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var token = await tokens.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(method, new Uri(baseUri, relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (content is not null)
        {
            request.Content = new StringContent(content.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new SecretStoreException(StoreErrorKind.Unavailable, $"cannot reach GCP Secret Manager at {baseUri.Authority} to {what}: {e.HttpRequestError}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SecretStoreException(StoreErrorKind.Unavailable, $"GCP Secret Manager at {baseUri.Authority} did not answer in time to {what}");
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
            {
                return null;
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    return JsonNode.Parse(text.Length == 0 ? "{}" : text);
                }
                catch (JsonException)
                {
                    throw new SecretStoreException(StoreErrorKind.Unavailable, $"GCP Secret Manager answered '{what}' with a body that is not JSON");
                }
            }

            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                tokens.Invalidate();
            }

            var error = ErrorOf(text);
            error.RetryDelay ??= response.Headers.RetryAfter?.Delta is { } delta ? RetryHints.FromDuration($"{delta.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s") : null;

            throw Translate(response.StatusCode, error, what);
        }
    }

    private static readonly string[] VersionStates = ["DISABLED", "DESTROYED"];

    // Only the canonical status (e.g. PERMISSION_DENIED), a version state the message names (DISABLED, DESTROYED) and a
    // google.rpc.RetryInfo delay are taken from an error body; its message is otherwise free text and never echoed.
    private static (string Status, string? State, TimeSpan? RetryDelay) ErrorOf(string body)
    {
        try
        {
            var error = JsonNode.Parse(body)?["error"];
            var status = error?["status"]?.GetValue<string>();
            var message = error?["message"]?.GetValue<string>() ?? "";
            var state = VersionStates.FirstOrDefault(s => message.Contains($"is in {s} state", StringComparison.Ordinal));
            var delay = (error?["details"] as JsonArray)?.OfType<JsonObject>()
                .Where(d => d["@type"]?.GetValue<string>() == "type.googleapis.com/google.rpc.RetryInfo")
                .Select(d => RetryHints.FromDuration(d["retryDelay"]?.GetValue<string>()))
                .FirstOrDefault(d => d is not null);
            return (status is { Length: > 0 and <= 40 } s && s.All(c => char.IsAsciiLetterUpper(c) || c == '_') ? s : "", state, delay);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return ("", null, null);
        }
    }

    private SecretStoreException Translate(HttpStatusCode code, (string Status, string? State, TimeSpan? RetryDelay) error, string what)
    {
        var status = error.Status;
        var http = ((int)code).ToString(CultureInfo.InvariantCulture) + (status.Length > 0 ? " " + status : "");
        return code switch
        {
            HttpStatusCode.TooManyRequests => new(StoreErrorKind.Throttled, $"GCP Secret Manager throttled the call to {what} ({http})") { RetryAfter = error.RetryDelay },
            _ when status == "RESOURCE_EXHAUSTED" => new(StoreErrorKind.Throttled, $"GCP Secret Manager throttled the call to {what} ({http})") { RetryAfter = error.RetryDelay },

            // versions.access on a version that is not ENABLED: retrying cannot help until someone enables or adds one.
            HttpStatusCode.BadRequest when status == "FAILED_PRECONDITION" && error.State is { } state
                => new(StoreErrorKind.Disabled, $"cannot {what}: its latest version is {state}; enable it or add a new version ({http})"),
            HttpStatusCode.Unauthorized => new(StoreErrorKind.AuthenticationFailed, $"GCP Secret Manager refused the access token of {tokens.Who} to {what} ({http})"),
            HttpStatusCode.Forbidden => new(StoreErrorKind.AccessDenied, $"{tokens.Who} may not {what} ({http}); grant it roles/secretmanager.secretAccessor (reads) or roles/secretmanager.admin (writes) on the project"),
            HttpStatusCode.BadRequest when status == "FAILED_PRECONDITION" => new(StoreErrorKind.Unavailable, $"cannot {what}: its latest version is disabled or destroyed ({http})"),
            HttpStatusCode.BadRequest => new(StoreErrorKind.InvalidPath, $"GCP Secret Manager refused the request to {what} ({http})"),
            _ => new(StoreErrorKind.Unavailable, $"GCP Secret Manager failed to {what} ({http})"),
        };
    }
}
