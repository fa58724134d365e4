using Operator.Entities.V1Alpha1;
using Operator.References;

namespace Operator.Stores.Gcp;

/// <summary>Creates GCP Secret Manager stores: REST over HttpClient, tokens from a service account key or ambient credentials.</summary>
public sealed class GcpStoreFactory : ISecretStoreFactory
{
    /// <summary>The credential field; <see cref="StoreContext.Credentials"/> holds the key JSON under this name.</summary>
    public const string ServiceAccountKeyField = "spec.gcp.auth.serviceAccountKey";

    /// <summary>The public endpoint; <c>spec.gcp.endpoint</c> replaces it (regional endpoints, Private Service Connect, tests).</summary>
    public static readonly Uri DefaultEndpoint = new("https://secretmanager.googleapis.com/");

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    public StoreProvider Provider { get; } = StoreProvider.Of(spec => spec.Gcp);

    public IEnumerable<(string Field, string Reference)> CredentialReferences(SecretStoreIntegrationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Gcp?.Auth?.ServiceAccountKey is { Length: > 0 } key)
        {
            yield return (ServiceAccountKeyField, key);
        }
    }

    public IEnumerable<string> Validate(SecretStoreIntegrationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var gcp = spec.Gcp;
        if (gcp is null)
        {
            yield return "spec.gcp: required";
            yield break;
        }

        if (string.IsNullOrEmpty(gcp.ProjectId))
        {
            yield return "spec.gcp.projectId: required";
        }
        else if (!GcpSecretIds.IsValidProject(gcp.ProjectId))
        {
            yield return $"spec.gcp.projectId: {Echo.Quote(gcp.ProjectId)} is not a GCP project id (6-30 lowercase letters, digits and '-', starting with a letter)";
        }

        if (!string.IsNullOrEmpty(gcp.Endpoint) && EndpointProblem(gcp.Endpoint) is { } problem)
        {
            yield return $"spec.gcp.endpoint: {problem}";
        }

        if (gcp.Auth?.ServiceAccountKey is "")
        {
            yield return $"{ServiceAccountKeyField}: empty; omit it for ambient credentials";
        }
    }

    public ISecretStore Create(StoreContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var gcp = context.Integration.Spec.Gcp ?? throw new SecretStoreException(StoreErrorKind.Misconfigured, "spec.gcp: required");
        var tokens = context.Credentials.TryGetValue(ServiceAccountKeyField, out var key)
            ? GcpTokenSource.FromServiceAccountKey(key, ServiceAccountKeyField)
            : GcpTokenSource.Ambient();
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = CallTimeout };
        var client = new GcpSecretManagerClient(http, BaseUri(gcp.Endpoint), tokens, context.RateLimiter, context.Retry);
        return new GcpSecretManagerStore(client, gcp.ProjectId);
    }

    /// <summary>The v1 API root: the endpoint (with or without a trailing <c>/v1</c>) plus <c>/v1/</c>.</summary>
    internal static Uri BaseUri(string? endpoint)
    {
        var root = string.IsNullOrEmpty(endpoint) ? DefaultEndpoint.ToString() : endpoint;
        root = root.TrimEnd('/');
        if (root.EndsWith("/v1", StringComparison.Ordinal))
        {
            root = root[..^3];
        }

        return new Uri(root + "/v1/");
    }

    // Bearer tokens travel only over https, or plain http to this machine (tests, a local proxy).
    private static string? EndpointProblem(string endpoint)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            return $"{Echo.Url(endpoint)} is not an absolute http(s) URL";
        }

        if (uri.Scheme == "http" && !uri.IsLoopback)
        {
            return "plain http is allowed only to a loopback address; use https";
        }

        return uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0
            ? "must not hold credentials, a query or a fragment"
            : null;
    }
}
