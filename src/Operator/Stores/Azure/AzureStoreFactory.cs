using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Operator.Entities.V1Alpha1;
using Operator.References;

namespace Operator.Stores.Azure;

/// <summary>Creates Azure Key Vault stores: client secret, workload identity, managed identity or ambient credentials.</summary>
public sealed class AzureStoreFactory(AzureClientOptionsHook? hook = null) : ISecretStoreFactory
{
    /// <summary>The credential key under which the resolved client secret arrives in <see cref="StoreContext.Credentials"/>.</summary>
    public const string ClientSecretField = "spec.azure.auth.clientSecret";

    public StoreProvider Provider { get; } = StoreProvider.Of(spec => spec.Azure);

    public IEnumerable<(string Field, string Reference)> CredentialReferences(SecretStoreIntegrationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Azure?.Auth?.ClientSecret is { Length: > 0 } reference)
        {
            yield return (ClientSecretField, reference);
        }
    }

    public IEnumerable<string> Validate(SecretStoreIntegrationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var azure = spec.Azure;
        if (azure is null)
        {
            yield return "spec.azure: required";
            yield break;
        }

        var hasUrl = !string.IsNullOrEmpty(azure.VaultUrl);
        var hasName = !string.IsNullOrEmpty(azure.KeyVaultName);
        if (hasUrl == hasName)
        {
            yield return "spec.azure: set exactly one of vaultUrl or keyVaultName";
        }
        else if (hasUrl && !IsVaultUrl(azure.VaultUrl!))
        {
            yield return $"spec.azure.vaultUrl: {Echo.Url(azure.VaultUrl!)} is not an https URL such as https://my-vault.vault.azure.net (without user info or query)";
        }

        var auth = azure.Auth;
        if (auth is null)
        {
            yield break;
        }

        var hasSecret = !string.IsNullOrEmpty(auth.ClientSecret);
        var workload = auth.WorkloadIdentity == true;
        var managed = !string.IsNullOrEmpty(auth.ManagedIdentityClientId);
        if ((hasSecret ? 1 : 0) + (workload ? 1 : 0) + (managed ? 1 : 0) > 1)
        {
            yield return "spec.azure.auth: choose one of clientSecret, workloadIdentity or managedIdentityClientId";
            yield break;
        }

        if (hasSecret)
        {
            if (string.IsNullOrEmpty(auth.TenantId))
            {
                yield return "spec.azure.auth.tenantId: required with clientSecret";
            }

            if (string.IsNullOrEmpty(auth.ClientId))
            {
                yield return "spec.azure.auth.clientId: required with clientSecret";
            }
        }
        else if (!workload && (!string.IsNullOrEmpty(auth.TenantId) || !string.IsNullOrEmpty(auth.ClientId)))
        {
            yield return "spec.azure.auth: tenantId and clientId need clientSecret or workloadIdentity: true";
        }
    }

    public ISecretStore Create(StoreContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var spec = context.Integration.Spec.Azure
            ?? throw new SecretStoreException(StoreErrorKind.Misconfigured, "spec.azure: required");
        var vault = VaultUri(spec);
        var options = new SecretClientOptions();

        // Throttling is retried by StoreRetry, which counts attempts and honours the integration's budget.
        options.Retry.MaxRetries = 0;
        hook?.Configure(options);
        return new AzureKeyVaultStore(new SecretClient(vault, Credential(spec.Auth, context), options), vault, context);
    }

    /// <summary>The vault URL: <c>vaultUrl</c>, or <c>https://&lt;keyVaultName&gt;.vault.azure.net/</c>.</summary>
    internal static Uri VaultUri(AzureStoreSpec spec) => !string.IsNullOrEmpty(spec.VaultUrl)
        ? new Uri(spec.VaultUrl, UriKind.Absolute)
        : new Uri($"https://{spec.KeyVaultName}.vault.azure.net/", UriKind.Absolute);

    private TokenCredential Credential(AzureAuthSpec? auth, StoreContext context)
    {
        if (!string.IsNullOrEmpty(auth?.ClientSecret))
        {
            var secret = context.Credentials.TryGetValue(ClientSecretField, out var s) ? s
                : throw new SecretStoreException(StoreErrorKind.Misconfigured, $"{ClientSecretField}: the reference was not resolved");
            return new ClientSecretCredential(auth.TenantId, auth.ClientId, secret, Configure(new ClientSecretCredentialOptions()));
        }

        if (auth?.WorkloadIdentity == true)
        {
            // Tenant, client id and token file default to the AZURE_* variables the workload identity webhook injects.
            var options = Configure(new WorkloadIdentityCredentialOptions());
            options.TenantId = string.IsNullOrEmpty(auth.TenantId) ? options.TenantId : auth.TenantId;
            options.ClientId = string.IsNullOrEmpty(auth.ClientId) ? options.ClientId : auth.ClientId;
            return new WorkloadIdentityCredential(options);
        }

        if (!string.IsNullOrEmpty(auth?.ManagedIdentityClientId))
        {
            return new ManagedIdentityCredential(Configure(new ManagedIdentityCredentialOptions(ManagedIdentityId.FromUserAssignedClientId(auth.ManagedIdentityClientId))));
        }

        // Ambient: what a pod can have, without the developer-tool credentials of DefaultAzureCredential.
        return new ChainedTokenCredential(
            new EnvironmentCredential(Configure(new EnvironmentCredentialOptions())),
            new WorkloadIdentityCredential(Configure(new WorkloadIdentityCredentialOptions())),
            new ManagedIdentityCredential(Configure(new ManagedIdentityCredentialOptions(ManagedIdentityId.SystemAssigned))));
    }

    private T Configure<T>(T options)
        where T : TokenCredentialOptions => hook is null ? options : hook.Configure(options);

    private static bool IsVaultUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.UserInfo);
}
