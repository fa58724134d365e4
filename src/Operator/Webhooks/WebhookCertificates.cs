using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Operator.References;
using Operator.Runtime;

namespace Operator.Webhooks;

/// <summary>
/// Keeps the webhook's serving certificate: its own CA (2 years) and a serving certificate (90 days) renewed when
/// less than 30 days are left, stored in <c>--webhook-cert-secret</c>, with the CA published as the
/// MutatingWebhookConfiguration's caBundle. With <c>--webhook-cert-manager</c> it only reads tls.crt/tls.key.
/// </summary>
[Rbac("", "secrets", "get", "The serving certificate is read from --webhook-cert-secret (written by cert-manager or by the operator).", Scope = RbacScope.OperatorNamespace, Feature = "webhook")]
[Rbac("", "secrets", "create,update", "Without cert-manager the operator issues its CA and serving certificate into --webhook-cert-secret.", Scope = RbacScope.OperatorNamespace, Feature = "webhook-certificates")]
[Rbac("admissionregistration.k8s.io", "mutatingwebhookconfigurations", "get,update", "Without cert-manager the operator publishes its CA as the caBundle of its own webhook configuration.", Scope = RbacScope.Cluster, Feature = "webhook-certificates", ResourceNameFlag = "webhook-config-name")]
public sealed partial class WebhookCertificates(IKubernetes client, IOptions<WebhookOptions> options, IOptions<TenancyOptions> tenancy, TimeProvider time, ILogger<WebhookCertificates> logger)
{
    public static readonly TimeSpan CaLifetime = TimeSpan.FromDays(730);
    public static readonly TimeSpan ServingLifetime = TimeSpan.FromDays(90);
    public static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    public const string CaCertKey = "ca.crt";
    public const string CaKeyKey = "ca.key";

    private volatile X509Certificate2? current;

    /// <summary>The certificate Kestrel presents; null until the first successful <see cref="EnsureAsync"/>.</summary>
    public X509Certificate2? Current => current;

    private string Namespace => tenancy.Value.Namespace;

    /// <summary>DNS names of the webhook Service; the first is the certificate's CN and what the API server calls.</summary>
    public IReadOnlyList<string> DnsNames
    {
        get
        {
            var o = options.Value;
            return [$"{o.ServiceName}.{Namespace}.svc", $"{o.ServiceName}.{Namespace}.svc.cluster.local", $"{o.ServiceName}.{Namespace}", o.ServiceName];
        }
    }

    /// <summary>One pass: load, issue or renew the certificate and publish the caBundle. False when it must be retried soon.</summary>
    public async Task<bool> EnsureAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var secret = await ReadSecretAsync(cancellationToken).ConfigureAwait(false);
        if (o.CertManager)
        {
            var managed = CertificateAuthority.TryLoad(Text(secret, "tls.crt"), Text(secret, "tls.key"));
            if (managed is null)
            {
                LogWaitingForCertManager(logger, Namespace, o.CertSecret);
                return false;
            }

            if (current?.Thumbprint != managed.Thumbprint)
            {
                current = managed;
                var until = managed.NotAfter;
                LogLoaded(logger, o.CertSecret, until);
            }

            return true;
        }

        var now = time.GetUtcNow();
        var ca = CertificateAuthority.TryLoad(Text(secret, CaCertKey), Text(secret, CaKeyKey));
        var serving = CertificateAuthority.TryLoad(Text(secret, "tls.crt"), Text(secret, "tls.key"));
        var bundle = Text(secret, CaCertKey) ?? "";
        var renewCa = ca is null || Left(ca, now) < ServingLifetime + RenewBefore;
        var renewServing = renewCa || serving is null || Left(serving, now) < RenewBefore
            || serving.GetNameInfo(X509NameType.DnsName, false) != DnsNames[0] || serving.Issuer != ca!.Subject;
        if (renewServing)
        {
            if (renewCa)
            {
                var next = CertificateAuthority.CreateCa($"{o.ServiceName}-ca", now, CaLifetime);
                // The old CA stays in the bundle while it is valid, so callers holding the old bundle are not cut off.
                bundle = CertificateAuthority.CertificatePem(next) + (ca is not null && Left(ca, now) > TimeSpan.Zero ? "\n" + CertificateAuthority.CertificatePem(ca) : "");
                ca = next;
            }

            serving = CertificateAuthority.IssueServing(ca!, DnsNames, now, ServingLifetime);
            if (!await WriteSecretAsync(secret, ca!, serving, bundle, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            var notAfter = serving.NotAfter;
            LogIssued(logger, Namespace, o.CertSecret, notAfter, renewCa);
        }

        current = serving;
        return await PublishCaBundleAsync(bundle, cancellationToken).ConfigureAwait(false);
    }

    private static TimeSpan Left(X509Certificate2 certificate, DateTimeOffset now) => new DateTimeOffset(certificate.NotAfter.ToUniversalTime()) - now;

    private static string? Text(V1Secret? secret, string key) =>
        secret?.Data?.TryGetValue(key, out var bytes) == true ? Encoding.UTF8.GetString(bytes) : null;

    private async Task<V1Secret?> ReadSecretAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        try
        {
            return await client.CoreV1.ReadNamespacedSecretAsync(o.CertSecret, Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Creates or replaces the Secret; false on a conflict with another replica (the next pass reads theirs).</summary>
    private async Task<bool> WriteSecretAsync(V1Secret? existing, X509Certificate2 ca, X509Certificate2 serving, string bundle, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var data = new Dictionary<string, byte[]>
        {
            ["tls.crt"] = Encoding.UTF8.GetBytes(CertificateAuthority.CertificatePem(serving)),
            ["tls.key"] = Encoding.UTF8.GetBytes(CertificateAuthority.KeyPem(serving)),
            [CaCertKey] = Encoding.UTF8.GetBytes(bundle),
            [CaKeyKey] = Encoding.UTF8.GetBytes(CertificateAuthority.KeyPem(ca)),
        };
        try
        {
            if (existing is null)
            {
                var secret = new V1Secret
                {
                    Metadata = new V1ObjectMeta
                    {
                        Name = o.CertSecret,
                        NamespaceProperty = Namespace,
                        Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "secretgroup-operator", ["app.kubernetes.io/component"] = "webhook" },
                    },
                    Type = "kubernetes.io/tls",
                    Data = data,
                };
                await client.CoreV1.CreateNamespacedSecretAsync(secret, Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else
            {
                existing.Data = data;
                await client.CoreV1.ReplaceNamespacedSecretAsync(existing, o.CertSecret, Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    private async Task<bool> PublishCaBundleAsync(string bundle, CancellationToken cancellationToken)
    {
        var name = options.Value.ConfigName;
        V1MutatingWebhookConfiguration config;
        try
        {
            config = await client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            LogNoWebhookConfiguration(logger, name);
            return false;
        }

        var bytes = Encoding.UTF8.GetBytes(bundle);
        var stale = config.Webhooks?.Where(w => w.ClientConfig is not null && !(w.ClientConfig.CaBundle ?? []).SequenceEqual(bytes)).ToList() ?? [];
        if (stale.Count == 0)
        {
            return true;
        }

        foreach (var webhook in stale)
        {
            webhook.ClientConfig.CaBundle = bytes;
        }

        try
        {
            await client.AdmissionregistrationV1.ReplaceMutatingWebhookConfigurationAsync(config, name, cancellationToken: cancellationToken).ConfigureAwait(false);
            LogCaBundlePublished(logger, name, stale.Count);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook certificate Secret {Namespace}/{Secret} has no valid tls.crt/tls.key yet; waiting for cert-manager")]
    private static partial void LogWaitingForCertManager(ILogger logger, string @namespace, string secret);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook serving certificate loaded from Secret {Secret}, valid until {NotAfter}")]
    private static partial void LogLoaded(ILogger logger, string secret, DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook serving certificate issued into Secret {Namespace}/{Secret}, valid until {NotAfter} (new CA: {NewCa})")]
    private static partial void LogIssued(ILogger logger, string @namespace, string secret, DateTime notAfter, bool newCa);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MutatingWebhookConfiguration {Name} not found; apply config/webhook so the API server calls the webhook")]
    private static partial void LogNoWebhookConfiguration(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "caBundle of MutatingWebhookConfiguration {Name} updated in {Webhooks} webhooks")]
    private static partial void LogCaBundlePublished(ILogger logger, string name, int webhooks);
}
