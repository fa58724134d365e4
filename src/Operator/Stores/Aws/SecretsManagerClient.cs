using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.SimpleSystemsManagement;

namespace Operator.Stores.Aws;

/// <summary>One Secrets Manager answer: the body of a 200, or the error code (<c>__type</c>) of a failure.</summary>
internal sealed record SecretsManagerResponse(HttpStatusCode Status, JsonObject Body, string? ErrorCode, string? RequestId)
{
    public bool IsSuccess => Status == HttpStatusCode.OK;

    /// <summary>Never prints the body: it may hold values.</summary>
    public override string ToString() => $"SecretsManagerResponse({(int)Status} {ErrorCode})";
}

/// <summary>
/// The Secrets Manager JSON 1.1 protocol (<c>POST /</c>, <c>X-Amz-Target: secretsmanager.&lt;Operation&gt;</c>) over
/// HttpClient, each request signed with AWSSDK.Core's own SigV4 signer: no AWSSDK.SecretsManager package is served
/// here. Credentials are the integration's (static or assumed role) or the SDK's ambient chain. Transport failures
/// become <see cref="SecretStoreException"/>s that name the operation only.
/// </summary>
internal sealed class SecretsManagerClient : IDisposable
{
    private const string JsonType = "application/x-amz-json-1.1";
    private static readonly AWS4Signer Signer = new();
    private readonly HttpClient http;
    private readonly Uri endpoint;
    private readonly string region;
    private readonly AWSCredentials? credentials;
    private readonly TimeProvider time;

    // Any service's config carries the signing name and region to the signer; this one is already referenced.
    private readonly AmazonSimpleSystemsManagementConfig signing;

    public SecretsManagerClient(HttpClient http, Uri endpoint, string region, AWSCredentials? credentials, TimeProvider time)
    {
        this.http = http;
        this.endpoint = endpoint;
        this.region = region;
        this.credentials = credentials;
        this.time = time;
        signing = new AmazonSimpleSystemsManagementConfig { AuthenticationServiceName = "secretsmanager", AuthenticationRegion = region, ServiceURL = endpoint.ToString() };
    }

    public async Task<SecretsManagerResponse> SendAsync(string operation, JsonObject body, CancellationToken cancellationToken)
    {
        var payload = Encoding.UTF8.GetBytes(body.ToJsonString());
        var identity = await CredentialsAsync(operation).ConfigureAwait(false);
        var signed = new DefaultRequest(new Operation(), "SecretsManager")
        {
            HttpMethod = "POST",
            Endpoint = endpoint,
            ResourcePath = "/",
            Content = payload,
            AuthenticationRegion = region,
        };
        signed.Headers["X-Amz-Target"] = "secretsmanager." + operation;
        signed.Headers["Content-Type"] = JsonType;
        if (identity.UseToken)
        {
            signed.Headers["X-Amz-Security-Token"] = identity.Token;
        }

        var result = Signer.SignRequest(signed, signing, null, identity.AccessKey, identity.SecretKey, time.GetUtcNow().UtcDateTime);
        signed.Headers["Authorization"] = result.ForAuthorizationHeader;

        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(payload) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(JsonType);
        foreach (var (name, value) in signed.Headers)
        {
            // HttpClient writes Host (from the same URI the signer read) and the content headers itself.
            if (name is not ("Host" or "host" or "Content-Type" or "Content-Length"))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var answer = Parse(text);
            var id = response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null;
            var code = response.StatusCode == HttpStatusCode.OK ? null : ((string?)answer["__type"])?.Split('#')[^1] ?? $"HTTP {(int)response.StatusCode}";
            return new SecretsManagerResponse(response.StatusCode, answer, code, id);
        }
        catch (HttpRequestException e)
        {
            throw new SecretStoreException(StoreErrorKind.Unavailable, $"cannot reach Secrets Manager for {operation}: {e.HttpRequestError}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SecretStoreException(StoreErrorKind.Unavailable, $"Secrets Manager {operation} timed out");
        }
    }

    public void Dispose() => http.Dispose();

    private async Task<ImmutableCredentials> CredentialsAsync(string operation)
    {
        try
        {
            var source = credentials ?? await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(signing).ConfigureAwait(false);
            return await source.GetCredentialsAsync().ConfigureAwait(false);
        }
        catch (AmazonServiceException e)
        {
            throw SecretsManagerErrors.Map(e.ErrorCode, (int)e.StatusCode, e.RequestId, "AssumeRole (STS)", null);
        }
        catch (AmazonClientException)
        {
            throw new SecretStoreException(StoreErrorKind.AuthenticationFailed, $"no AWS credentials could be loaded for Secrets Manager {operation}; set spec.aws.auth or give the pod an IAM identity");
        }
    }

    private static JsonObject Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text.Length == 0 ? "{}" : text) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return []; // not JSON (a proxy's error page): the status decides
        }
    }

    /// <summary>The signer takes an SDK request object; this one carries nothing.</summary>
    private sealed class Operation : AmazonWebServiceRequest;
}
