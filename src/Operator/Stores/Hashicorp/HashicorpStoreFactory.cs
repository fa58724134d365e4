using k8s;
using Operator.Entities.V1Alpha1;
using Operator.References;

namespace Operator.Stores.Hashicorp;

/// <summary>
/// Creates HashiCorp Vault KV v2 stores; credentials are the token or the AppRole secret id (references), or for
/// Kubernetes auth a token of the operator's ServiceAccount requested for the role's audience. Token files are read
/// only under <see cref="TokenDirectory"/> (the projected ServiceAccount token directory; tests pass their own).
/// </summary>
public sealed class HashicorpStoreFactory : ISecretStoreFactory, IDisposable
{
    /// <summary>Projected ServiceAccount tokens are mounted here; a token path may name nothing else.</summary>
    public const string TokenDirectory = "/var/run/secrets/";

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private readonly string tokenDirectory;
    private readonly VaultServiceAccountTokens? serviceAccountTokens;

    /// <summary>The operator's factory: Kubernetes logins request tokens with <paramref name="kubernetes"/>, timed by <paramref name="time"/> (default the system clock).</summary>
    public HashicorpStoreFactory(IKubernetes kubernetes, TimeProvider? time = null)
        : this(TokenDirectory, new VaultServiceAccountTokens(kubernetes, time ?? TimeProvider.System))
    {
    }

    internal HashicorpStoreFactory(string tokenDirectory = TokenDirectory, VaultServiceAccountTokens? serviceAccountTokens = null)
    {
        this.tokenDirectory = tokenDirectory;
        this.serviceAccountTokens = serviceAccountTokens;
    }

    public StoreProvider Provider { get; } = StoreProvider.Of(spec => spec.Hashicorp);

    public IEnumerable<(string Field, string Reference)> CredentialReferences(SecretStoreIntegrationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var auth = spec.Hashicorp?.Auth;
        if (!string.IsNullOrEmpty(auth?.Token))
        {
            yield return (VaultCredentials.TokenField, auth.Token);
        }

        if (!string.IsNullOrEmpty(auth?.AppRole?.SecretId))
        {
            yield return (VaultCredentials.SecretIdField, auth.AppRole.SecretId);
        }
    }

    public IEnumerable<string> Validate(SecretStoreIntegrationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var vault = spec.Hashicorp;
        if (vault is null)
        {
            yield return "spec.hashicorp: required";
            yield break;
        }

        // Vault authenticates with spec.hashicorp.auth, never with URL user info or a query token (as the other stores, refused).
        if (!Uri.TryCreate(vault.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Query.Length > 0 || url.Fragment.Length > 0 || url.UserInfo.Length > 0)
        {
            yield return $"spec.hashicorp.url: {Echo.Url(vault.Url)} is not an http(s) URL such as https://vault.example.com:8200 (without user info, query or fragment)";
        }
        else if (Endpoints.Problem("spec.hashicorp.url", vault.Url, spec.Insecure == true) is { } endpointProblem)
        {
            yield return endpointProblem;
        }

        if (VaultPath.SegmentProblem(KvMount(vault), "spec.hashicorp.kvMountPath") is { } mountProblem)
        {
            yield return mountProblem;
        }

        if (RootPath(vault).Length > 0 && VaultPath.SegmentProblem(RootPath(vault), "spec.hashicorp.rootPath") is { } rootProblem)
        {
            yield return rootProblem;
        }

        if (vault.Namespace is { Length: > 0 } ns && VaultPath.SegmentProblem(ns.Trim('/'), "spec.hashicorp.namespace") is { } nsProblem)
        {
            yield return nsProblem;
        }

        foreach (var problem in ValidateAuth(vault.Auth))
        {
            yield return problem;
        }
    }

    public IEnumerable<string> PlainHttpEndpoints(SecretStoreIntegrationSpec spec) =>
        Endpoints.IsPlainHttpToAnotherHost(spec?.Hashicorp?.Url) ? ["spec.hashicorp.url"] : [];

    public ISecretStore Create(StoreContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var vault = context.Integration.Spec.Hashicorp
            ?? throw new SecretStoreException(StoreErrorKind.Misconfigured, "spec.hashicorp: required");
        var credentials = VaultCredentials.From(vault.Auth, context.Credentials);
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(vault.Url.TrimEnd('/') + "/"),
            Timeout = RequestTimeout,
        };
        var jwt = credentials.Kind != VaultAuthKind.Kubernetes ? null
            : credentials.JwtPath is { } path ? new VaultJwtFile(path, tokenDirectory, serviceAccountTokens)
            : serviceAccountTokens?.For(credentials.Audience)
                ?? throw new SecretStoreException(StoreErrorKind.Misconfigured, "spec.hashicorp.auth.kubernetes: this operator cannot request ServiceAccount tokens; set serviceAccountTokenPath");
        var client = new VaultClient(http, credentials, vault.Namespace?.Trim('/'), context, jwt);
        return new VaultStore(client, KvMount(vault), RootPath(vault));
    }

    private IEnumerable<string> ValidateAuth(HashicorpAuthSpec? auth)
    {
        var set = new[] { !string.IsNullOrEmpty(auth?.Token), auth?.AppRole is not null, auth?.Kubernetes is not null }.Count(b => b);
        if (set != 1)
        {
            yield return $"spec.hashicorp.auth: exactly one of token, appRole or kubernetes must be set, found {set}";
            yield break;
        }

        if (auth!.AppRole is { } appRole)
        {
            if (string.IsNullOrEmpty(appRole.RoleId))
            {
                yield return "spec.hashicorp.auth.appRole.roleId: required";
            }

            if (string.IsNullOrEmpty(appRole.SecretId))
            {
                yield return "spec.hashicorp.auth.appRole.secretId: required (a reference)";
            }

            if (!string.IsNullOrEmpty(appRole.MountPath) && VaultPath.SegmentProblem(appRole.MountPath.Trim('/'), "spec.hashicorp.auth.appRole.mountPath") is { } problem)
            {
                yield return problem;
            }
        }

        if (auth.Kubernetes is { } kubernetes)
        {
            if (string.IsNullOrEmpty(kubernetes.Role))
            {
                yield return "spec.hashicorp.auth.kubernetes.role: required";
            }

            if (!string.IsNullOrEmpty(kubernetes.MountPath) && VaultPath.SegmentProblem(kubernetes.MountPath.Trim('/'), "spec.hashicorp.auth.kubernetes.mountPath") is { } problem)
            {
                yield return problem;
            }

            if (kubernetes.Audience is { } audience && (audience.Length is 0 or > 256 || audience.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
            {
                yield return $"{VaultCredentials.AudienceField}: must be 1 to 256 characters without spaces, such as '{VaultCredentials.DefaultAudience}' (the Vault role's audience)";
            }

            if (!string.IsNullOrEmpty(kubernetes.ServiceAccountTokenPath) && VaultCredentials.TokenPathProblem(kubernetes.ServiceAccountTokenPath, tokenDirectory) is { } pathProblem)
            {
                yield return $"spec.hashicorp.auth.kubernetes.serviceAccountTokenPath: {pathProblem}";
            }
        }
    }

    public void Dispose() => serviceAccountTokens?.Dispose();

    private static string KvMount(HashicorpStoreSpec vault) => string.IsNullOrEmpty(vault.KvMountPath) ? "secret" : vault.KvMountPath.Trim('/');

    private static string RootPath(HashicorpStoreSpec vault) => (vault.RootPath ?? "").Trim('/');
}
