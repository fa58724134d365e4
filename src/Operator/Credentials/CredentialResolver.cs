using System.Text;
using k8s;
using k8s.Autorest;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Runtime;
using Operator.Stores;

namespace Operator.Credentials;

/// <summary>Resolves a credential reference (any of the three forms) to its value for a store connection.</summary>
[Rbac("", "secrets", "get", "tfy-secret:// credentials of an integration are read from the managed Secret of the group they name.")]
public sealed class CredentialResolver(
    K8sSecretResolver k8sSecrets,
    IntegrationDirectory integrations,
    StoreClientCache stores,
    GroupDirectory groups,
    IKubernetes client,
    TimeProvider time) : ICredentialSource
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>How often a store path credential is re-read when its integration names no sync interval.</summary>
    public static readonly TimeSpan DefaultPathRefresh = TimeSpan.FromHours(1);

    /// <summary>
    /// The mounted Secrets' version, each referenced group's uid and data hash (the group refreshes on its own
    /// interval), and for each store path the number of its integration's sync intervals elapsed (re-read once each).
    /// </summary>
    public string VersionOf(IEnumerable<string> references)
    {
        ArgumentNullException.ThrowIfNull(references);
        var version = new StringBuilder(k8sSecrets.CurrentVersion());
        foreach (var reference in references)
        {
            switch (TryParse(reference))
            {
                case GroupKeyReference g:
                    var group = FindGroup(g.Secret);
                    version.Append('|').Append(group?.Metadata.Uid).Append(':').Append(group?.Status?.DataHash);
                    break;

                case StorePathReference p:
                    var interval = Durations.TryParse(integrations.Find(p.Integration)?.Spec.SyncInterval, out var i) && i > TimeSpan.Zero ? i : DefaultPathRefresh;
                    version.Append('|').Append(time.GetUtcNow().Ticks / interval.Ticks);
                    break;
            }
        }

        return version.ToString();
    }

    /// <summary>Resolves <paramref name="reference"/>; failures are <see cref="ConditionException"/>s naming the field, never the value.</summary>
    public async Task<string> ResolveAsync(string reference, string field, IntegrationFqn? self, CancellationToken cancellationToken)
    {
        SecretReference parsed;
        try
        {
            parsed = ReferenceParser.ParseReference(reference, field, ReferenceForms.All);
        }
        catch (ReferenceParseException e)
        {
            throw Unresolved("InvalidReference", e.Message, e);
        }

        switch (parsed)
        {
            case K8sSecretReference k:
                var result = await k8sSecrets.ResolveAsync(k.Key, cancellationToken).ConfigureAwait(false);
                return result.Succeeded ? result.Value : throw Unresolved("CredentialNotFound", $"{field}: {result.Error}");

            case StorePathReference p:
                if (p.Integration == self)
                {
                    throw Unresolved("InvalidReference", $"{field}: an integration cannot read its own credentials through itself");
                }

                var other = integrations.Find(p.Integration);
                var store = other?.Metadata.Name is { } otherName ? stores.TryGet(otherName) : null;
                if (store is null)
                {
                    throw Unresolved("CredentialNotFound", $"{field}: integration '{p.Integration}' is not ready");
                }

                try
                {
                    var value = await store.ReadAsync(p.Path, cancellationToken).ConfigureAwait(false)
                        ?? throw Unresolved("CredentialNotFound", $"{field}: path '{p.Path}' not found in '{p.Integration}'");
                    return AsText(value.Value.Span, field);
                }
                catch (SecretStoreException e)
                {
                    throw Unresolved("CredentialNotFound", $"{field}: reading '{p.Integration}::{p.Path}' failed: {e.Message}", e);
                }

            case GroupKeyReference g:
                return await ReadGroupKeyAsync(g.Secret, field, cancellationToken).ConfigureAwait(false);

            default:
                throw Unresolved("InvalidReference", $"{field}: unsupported reference");
        }
    }

    /// <summary>A credential reference that cannot be resolved: a condition reason and a message naming the field, never the value.</summary>
    private static ConditionException Unresolved(string reason, string message, Exception? inner = null) => new(reason, message, retry: true, inner);

    private async Task<string> ReadGroupKeyAsync(SecretFqn secret, string field, CancellationToken cancellationToken)
    {
        if (secret.Tenant != integrations.Tenant)
        {
            throw Unresolved("InvalidReference", $"{field}: tenant '{secret.Tenant}' is not this installation's tenant '{integrations.Tenant}'");
        }

        var group = FindGroup(secret);
        var secretName = group?.Status?.SecretName;
        if (group is null || secretName is null)
        {
            throw Unresolved("CredentialNotFound", $"{field}: group '{secret.GroupFqn}' has not synced");
        }

        try
        {
            var managed = await client.CoreV1.ReadNamespacedSecretAsync(secretName, group.Metadata.NamespaceProperty, cancellationToken: cancellationToken).ConfigureAwait(false);

            // status.secretName is a pointer anyone who may write status can move: follow it only to the group's own Secret.
            if (!GroupOwnership.IsManagedSecretOf(managed.Metadata, group))
            {
                throw Unresolved("CredentialNotFound", $"{field}: group '{secret.GroupFqn}' does not own Secret '{secretName}' that its status names");
            }

            if (managed.Data is not null && managed.Data.TryGetValue(secret.Key, out var bytes))
            {
                return AsText(bytes, field);
            }
        }
        catch (HttpOperationException e)
        {
            throw Unresolved("CredentialNotFound", $"{field}: reading group '{secret.GroupFqn}' failed with HTTP {(int)e.Response.StatusCode}");
        }

        throw Unresolved("CredentialNotFound", $"{field}: key '{secret.Key}' not found in group '{secret.GroupFqn}'");
    }

    /// <summary>The group that owns the name, whatever the cache's order; never a namesake waiting in FqnConflict.</summary>
    private SecretGroup? FindGroup(SecretFqn secret) => groups.OwnerOf(secret.Group);

    private static SecretReference? TryParse(string reference)
    {
        try
        {
            return ReferenceParser.ParseReference(reference, "reference", ReferenceForms.All);
        }
        catch (ReferenceParseException)
        {
            return null;
        }
    }

    // Credentials are text (keys, tokens, JSON): bytes that are not UTF-8 are refused rather than silently replaced.
    private static string AsText(ReadOnlySpan<byte> bytes, string field)
    {
        try
        {
            return Strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Unresolved("InvalidCredential", $"{field}: the referenced value is not UTF-8 text");
        }
    }
}
