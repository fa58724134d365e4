namespace Operator.Stores.Hashicorp;

/// <summary>
/// The JWT of a Vault Kubernetes login read from a projected ServiceAccount token file, re-read at every login (the
/// kubelet rotates it). Only files under <c>directory</c> (<see cref="HashicorpStoreFactory.TokenDirectory"/>) are read, after symlinks are
/// followed (a projected volume's <c>..data</c> links stay inside it), so a spec cannot point the operator at another file;
/// and a token the API server accepts (the operator's own mounted one) is never sent (<paramref name="check"/>).
/// </summary>
internal sealed class VaultJwtFile(string path, string directory, VaultServiceAccountTokens? check) : IVaultJwtSource
{
    private const string Field = "spec.hashicorp.auth.kubernetes.serviceAccountTokenPath";

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
            if (!target.StartsWith(directory, StringComparison.Ordinal))
            {
                throw new SecretStoreException(StoreErrorKind.Misconfigured, $"{Field}: '{path}' leads outside {directory}; the operator reads tokens only there");
            }

            var jwt = (await File.ReadAllTextAsync(target, cancellationToken).ConfigureAwait(false)).Trim();
            if (check is null)
            {
                throw new SecretStoreException(StoreErrorKind.Misconfigured, $"{Field}: this operator cannot check that the token is not its API credential; it is not sent");
            }

            await check.EnsureNotAnApiCredentialAsync(jwt, $"{Field} ('{path}')", "the token in this file", cancellationToken).ConfigureAwait(false);
            return jwt;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SecretStoreException(StoreErrorKind.Misconfigured, $"{Field}: cannot read '{path}' ({e.GetType().Name})");
        }
    }
}
