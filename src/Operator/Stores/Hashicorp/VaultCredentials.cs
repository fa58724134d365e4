using Operator.Entities.V1Alpha1;

namespace Operator.Stores.Hashicorp;

/// <summary>How the client gets a Vault token: a given token, or an AppRole or Kubernetes login.</summary>
internal enum VaultAuthKind
{
    Token,
    AppRole,
    Kubernetes,
}

/// <summary>The resolved auth settings of one integration; never printed.</summary>
internal sealed record VaultCredentials(VaultAuthKind Kind, string Secret, string Identity, string MountPath, string? JwtPath, string Audience = "")
{
    public const string AudienceField = "spec.hashicorp.auth.kubernetes.audience";

    /// <summary>The audience Vault's Kubernetes roles are usually bound to (ESO and VSO default to it too).</summary>
    public const string DefaultAudience = "vault";

    public const string TokenField = "spec.hashicorp.auth.token";
    public const string SecretIdField = "spec.hashicorp.auth.appRole.secretId";

    public bool CanLogin => Kind != VaultAuthKind.Token;

    /// <summary>Why <paramref name="path"/> may not be read as a token: not absolute, or outside <paramref name="directory"/> once normalised.</summary>
    public static string? TokenPathProblem(string path, string directory)
    {
        if (!path.StartsWith('/'))
        {
            return $"'{path}' must be an absolute path";
        }

        var full = Path.GetFullPath(path);
        return full.StartsWith(directory, StringComparison.Ordinal) && full.Length > directory.Length
            ? null
            : $"'{path}' is outside {directory} (the projected ServiceAccount token directory); the operator reads tokens only there";
    }

    /// <summary>Builds the settings from the spec and the resolved credential references.</summary>
    public static VaultCredentials From(HashicorpAuthSpec? auth, IReadOnlyDictionary<string, string> resolved)
    {
        if (auth?.AppRole is { } appRole)
        {
            return new(VaultAuthKind.AppRole, Lookup(resolved, SecretIdField), appRole.RoleId, Mount(appRole.MountPath, "approle"), null);
        }

        if (auth?.Kubernetes is { } kubernetes)
        {
            // Without a token file the operator requests a token of audience `audience` (TokenRequest), never
            // sending its API-server-audience token, which Vault (or anyone it reaches) could replay to the API server.
            var jwtPath = string.IsNullOrEmpty(kubernetes.ServiceAccountTokenPath) ? null : kubernetes.ServiceAccountTokenPath;
            var audience = string.IsNullOrEmpty(kubernetes.Audience) ? DefaultAudience : kubernetes.Audience;
            return new(VaultAuthKind.Kubernetes, "", kubernetes.Role, Mount(kubernetes.MountPath, "kubernetes"), jwtPath, audience);
        }

        return new(VaultAuthKind.Token, Lookup(resolved, TokenField), "", "", null);
    }

    /// <summary>Never prints the secret.</summary>
    public override string ToString() => $"VaultCredentials({Kind}, mount: {MountPath})";

    private static string Lookup(IReadOnlyDictionary<string, string> resolved, string field) =>
        resolved.TryGetValue(field, out var value) && value.Length > 0
            ? value
            : throw new SecretStoreException(StoreErrorKind.Misconfigured, $"{field}: no credential was resolved; set it to a reference");

    private static string Mount(string? mount, string fallback) => string.IsNullOrEmpty(mount) ? fallback : mount.Trim('/');
}
