using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Operator.Testing.Stores.Aws;

/// <summary>
/// The EKS Pod Identity Agent on 127.0.0.1 (in a cluster 169.254.170.23; the SDKs allow plain http only to loopback
/// and the agent addresses): <c>GET /v1/credentials</c> with the pod's projected ServiceAccount token (audience
/// <c>pods.eks.amazonaws.com</c>) as the whole Authorization header, answered with AccessKeyId, SecretAccessKey, Token,
/// AccountId and Expiration (https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html,
/// https://docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html). As aws/eks-pod-identity-agent does, a
/// missing token is 400 "Service account token cannot be empty" and an unparseable one 400; a token EKS Auth rejects
/// (<c>isGenuine</c> says no: the test asks the API emulator's TokenReview) or a ServiceAccount without a pod
/// identity association gets no credentials (4xx). The keys it issues are accepted by the account's <see cref="SsmFake"/>.
/// </summary>
public sealed class PodIdentityAgentFake : IAsyncDisposable
{
    public const string Audience = "pods.eks.amazonaws.com";

    private readonly WebApplication app;
    private readonly SsmFake account;
    private readonly Func<string, CancellationToken, Task<bool>> isGenuine;
    private readonly Lock gate = new();
    private readonly Dictionary<string, string> associations = new(StringComparer.Ordinal);
    private readonly List<int> answers = [];
    private int issued;

    private PodIdentityAgentFake(WebApplication app, SsmFake account, Func<string, CancellationToken, Task<bool>> isGenuine)
    {
        this.app = app;
        this.account = account;
        this.isGenuine = isGenuine;
    }

    /// <summary>The full URI to put in <c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c>.</summary>
    public string CredentialsUri { get; private set; } = "";

    /// <summary>How long issued credentials last.</summary>
    public TimeSpan CredentialLifetime { get; set; } = TimeSpan.FromHours(6);

    /// <summary>The HTTP status of every request so far.</summary>
    public IReadOnlyList<int> Answers
    {
        get
        {
            lock (gate)
            {
                return [.. answers];
            }
        }
    }

    /// <summary>The access key ids issued so far.</summary>
    public int Issued => Volatile.Read(ref issued);

    /// <summary>Starts the agent for <paramref name="account"/>; <paramref name="isGenuine"/> says whether EKS Auth would accept a token (signature, expiry): a TokenReview.</summary>
    public static async Task<PodIdentityAgentFake> StartAsync(SsmFake account, Func<string, CancellationToken, Task<bool>> isGenuine, CancellationToken cancellationToken = default)
    {
        var app = LoopbackServer.Build();
        var fake = new PodIdentityAgentFake(app, account, isGenuine);
        var url = await LoopbackServer.StartAsync(app, fake.ServeAsync, cancellationToken: cancellationToken).ConfigureAwait(false);
        fake.CredentialsUri = new Uri(url, "/v1/credentials").ToString();
        return fake;
    }

    /// <summary>A pod identity association: pods of this ServiceAccount get <paramref name="roleArn"/>'s credentials.</summary>
    public void Associate(string serviceAccountSubject, string roleArn)
    {
        lock (gate)
        {
            associations[serviceAccountSubject] = roleArn;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task ServeAsync(HttpContext context)
    {
        var (status, body) = await AnswerAsync(context).ConfigureAwait(false);
        lock (gate)
        {
            answers.Add(status);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = status == 200 ? "application/json" : "text/plain";
        await context.Response.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task<(int Status, string Body)> AnswerAsync(HttpContext context)
    {
        if (context.Request.Method != "GET" || context.Request.Path != "/v1/credentials")
        {
            return (404, "404 page not found\n");
        }

        var token = context.Request.Headers.Authorization.ToString().Trim();
        if (token.Length == 0)
        {
            return (400, "Service account token cannot be empty\n");
        }

        var claims = StsFake.Claims(token);
        if (claims is null)
        {
            return (400, "Service account token cannot be parsed\n");
        }

        var audiences = claims["aud"] is JsonArray many ? many.Select(a => (string?)a).ToList() : [(string?)claims["aud"]];
        if (!audiences.Contains(Audience) || !await isGenuine(token, context.RequestAborted).ConfigureAwait(false))
        {
            // EKS Auth's InvalidTokenException, passed on without credentials.
            return (401, "Service account token failed validation\n");
        }

        string? role;
        lock (gate)
        {
            associations.TryGetValue((string?)claims["sub"] ?? "", out role);
        }

        if (role is null)
        {
            // EKS Auth's ResourceNotFoundException: no pod identity association for this ServiceAccount.
            return (403, "No pod identity association found for the service account\n");
        }

        var n = Interlocked.Increment(ref issued);
        var keyId = $"ASIAFAKEPOD{n.ToString("D9", CultureInfo.InvariantCulture)}";
        var sessionToken = $"fake-pod-identity-session-{n.ToString(CultureInfo.InvariantCulture)}";
        account.AllowAccessKey(keyId, sessionToken);
        return (200, new JsonObject
        {
            ["AccessKeyId"] = keyId,
            ["SecretAccessKey"] = "fake-pod-identity-secret",
            ["Token"] = sessionToken,
            ["AccountId"] = SsmFake.Account,
            ["Expiration"] = DateTimeOffset.UtcNow.Add(CredentialLifetime).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        }.ToJsonString());
    }
}
