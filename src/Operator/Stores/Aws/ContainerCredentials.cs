using System.Globalization;
using System.Net;
using System.Text.Json;
using Amazon.Runtime;

namespace Operator.Stores.Aws;

/// <summary>
/// EKS Pod Identity (and ECS task roles): a GET of the container credentials endpoint with the token file's content
/// as the Authorization header (re-read every refresh: the kubelet rotates it), answered with AccessKeyId,
/// SecretAccessKey, Token and Expiration. Ours rather than the SDK's GenericContainerCredentials, which can only read
/// the process environment and retries five times with sleeps before failing with the endpoint's own message; the
/// same host rule: plain http only to loopback or the ECS/EKS agent addresses.
/// </summary>
internal sealed class ContainerCredentials : RefreshingAWSCredentials
{
    private static readonly string[] AgentHosts = ["169.254.170.2", "169.254.170.23", "[fd00:ec2::23]"];

    // No proxy, as the SDK does: the agent is on the node's link-local address, never behind HTTPS_PROXY.
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(5) };

    private readonly Uri endpoint;
    private readonly AwsAmbientEnvironment environment;
    private readonly TimeProvider time;

    public ContainerCredentials(Uri endpoint, AwsAmbientEnvironment environment, TimeProvider time)
    {
        this.endpoint = endpoint;
        this.environment = environment;
        this.time = time;
        PreemptExpiryTime = TimeSpan.FromMinutes(5);
    }

    /// <summary>The endpoint, or null with the reason when the SDK's rule refuses it.</summary>
    public static (Uri? Endpoint, string? Problem) Check(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
        {
            return (null, $"{AwsAmbientEnvironment.ContainerFullUriVariable} is not an absolute http(s) URL");
        }

        return parsed.Scheme == "https" || parsed.IsLoopback || AgentHosts.Contains(parsed.Host, StringComparer.OrdinalIgnoreCase)
            ? (parsed, null)
            : (null, $"{AwsAmbientEnvironment.ContainerFullUriVariable} names host {parsed.Host} over plain http; only loopback, 169.254.170.2, 169.254.170.23 or [fd00:ec2::23] may be, as in the AWS SDKs");
    }

    protected override CredentialsRefreshState GenerateNewCredentials() =>
        GenerateNewCredentialsAsync().GetAwaiter().GetResult();

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
        var token = await TokenAsync().ConfigureAwait(false);
        if (token is not null)
        {
            if (token.Contains('\r', StringComparison.Ordinal) || token.Contains('\n', StringComparison.Ordinal))
            {
                throw new SecretStoreException(StoreErrorKind.AuthenticationFailed, "the container authorization token spans more than one line; it cannot be sent as a header");
            }

            request.Headers.TryAddWithoutValidation("Authorization", token);
        }

        HttpResponseMessage response;
        try
        {
            response = await Http.SendAsync(request).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new SecretStoreException(StoreErrorKind.Unavailable, $"cannot reach the container credentials endpoint {endpoint.Authority} ({AwsAmbientEnvironment.ContainerFullUriVariable}): {e.HttpRequestError}; is the EKS Pod Identity Agent running on this node?");
        }
        catch (TaskCanceledException)
        {
            throw new SecretStoreException(StoreErrorKind.Unavailable, $"the container credentials endpoint {endpoint.Authority} did not answer in time");
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                // The agent's message is not echoed: it can quote what it was sent.
                throw new SecretStoreException(StoreErrorKind.AuthenticationFailed, $"the container credentials endpoint {endpoint.Authority} refused the pod's token (HTTP {status}); check the EKS Pod Identity association of the operator's ServiceAccount and {AwsAmbientEnvironment.ContainerTokenFileVariable}");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new SecretStoreException(status >= 500 ? StoreErrorKind.Unavailable : StoreErrorKind.AuthenticationFailed, $"the container credentials endpoint {endpoint.Authority} answered HTTP {status}");
            }

            return Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
        }
    }

    private async Task<string?> TokenAsync()
    {
        if (environment[AwsAmbientEnvironment.ContainerTokenFileVariable] is { } file)
        {
            try
            {
                return (await File.ReadAllTextAsync(file).ConfigureAwait(false)).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new SecretStoreException(StoreErrorKind.AuthenticationFailed, $"cannot read the container authorization token file {file} ({AwsAmbientEnvironment.ContainerTokenFileVariable}): {e.GetType().Name}");
            }
        }

        return environment[AwsAmbientEnvironment.ContainerTokenVariable];
    }

    private CredentialsRefreshState Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            string? Field(string name) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var keyId = Field("AccessKeyId");
            var secret = Field("SecretAccessKey");
            if (string.IsNullOrEmpty(keyId) || string.IsNullOrEmpty(secret))
            {
                throw new SecretStoreException(StoreErrorKind.AuthenticationFailed, $"the container credentials endpoint {endpoint.Authority} answered without AccessKeyId and SecretAccessKey");
            }

            var expires = DateTime.TryParse(Field("Expiration"), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
                ? at
                : time.GetUtcNow().UtcDateTime.AddMinutes(15);
            return new CredentialsRefreshState(new ImmutableCredentials(keyId, secret, Field("Token")), expires);
        }
        catch (JsonException)
        {
            throw new SecretStoreException(StoreErrorKind.AuthenticationFailed, $"the container credentials endpoint {endpoint.Authority} answered something other than JSON credentials");
        }
    }

    public override string ToString() => $"ContainerCredentials({endpoint.Authority})";
}
