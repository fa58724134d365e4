using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Operator.Tls;

/// <summary>
/// Keeps one listener's serving certificate: the operator's own CA (2 years) and a serving certificate (90 days) for the
/// Service's DNS names, renewed when less than 30 days are left, both stored in one Secret (<c>tls.crt</c>,
/// <c>tls.key</c>, <c>ca.crt</c>, <c>ca.key</c>). Under cert-manager it only reads <c>tls.crt</c>/<c>tls.key</c>.
/// </summary>
public sealed partial class ServingCertificates(IKubernetes client, ServingCertificateSettings settings, TimeProvider time, ILogger logger)
{
    public static readonly TimeSpan CaLifetime = TimeSpan.FromDays(730);
    public static readonly TimeSpan ServingLifetime = TimeSpan.FromDays(90);
    public static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    public const string CaCertKey = "ca.crt";
    public const string CaKeyKey = "ca.key";

    private volatile X509Certificate2? current;

    /// <summary>The certificate Kestrel presents; null until the first successful <see cref="EnsureAsync"/>.</summary>
    public X509Certificate2? Current => current;

    public ServingCertificateSettings Settings => settings;

    /// <summary>DNS names of the Service; the first is the certificate's CN and what in-cluster clients call.</summary>
    public IReadOnlyList<string> DnsNames =>
        [$"{settings.ServiceName}.{settings.Namespace}.svc", $"{settings.ServiceName}.{settings.Namespace}.svc.cluster.local", $"{settings.ServiceName}.{settings.Namespace}", settings.ServiceName];

    /// <summary>One pass: load, issue or renew the certificate. Not ready when it must be retried soon.</summary>
    public async Task<ServingCertificateState> EnsureAsync(CancellationToken cancellationToken)
    {
        var secret = await ReadSecretAsync(cancellationToken).ConfigureAwait(false);
        if (settings.CertManager)
        {
            var managed = CertificateAuthority.TryLoad(Text(secret, "tls.crt"), Text(secret, "tls.key"));
            if (managed is null)
            {
                LogWaitingForCertManager(logger, settings.Component, settings.Namespace, settings.SecretName);
                return new ServingCertificateState(false, null);
            }

            if (current?.Thumbprint != managed.Thumbprint)
            {
                current = managed;
                var until = managed.NotAfter;
                LogLoaded(logger, settings.Component, settings.SecretName, until);
            }

            return new ServingCertificateState(true, null);
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
                var next = CertificateAuthority.CreateCa($"{settings.ServiceName}-ca", now, CaLifetime);

                // The old CA stays in the bundle while it is valid, so callers holding the old bundle are not cut off.
                bundle = CertificateAuthority.CertificatePem(next) + (ca is not null && Left(ca, now) > TimeSpan.Zero ? "\n" + CertificateAuthority.CertificatePem(ca) : "");
                ca = next;
            }

            serving = CertificateAuthority.IssueServing(ca!, DnsNames, now, ServingLifetime);
            if (!await WriteSecretAsync(secret, ca!, serving, bundle, cancellationToken).ConfigureAwait(false))
            {
                return new ServingCertificateState(false, null);
            }

            var notAfter = serving.NotAfter;
            LogIssued(logger, settings.Component, settings.Namespace, settings.SecretName, notAfter, renewCa);
        }

        current = serving;
        return new ServingCertificateState(true, bundle);
    }

    private static TimeSpan Left(X509Certificate2 certificate, DateTimeOffset now) => new DateTimeOffset(certificate.NotAfter.ToUniversalTime()) - now;

    private static string? Text(V1Secret? secret, string key) =>
        secret?.Data?.TryGetValue(key, out var bytes) == true ? Encoding.UTF8.GetString(bytes) : null;

    private async Task<V1Secret?> ReadSecretAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await client.CoreV1.ReadNamespacedSecretAsync(settings.SecretName, settings.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Creates or replaces the Secret; false on a conflict with another replica (the next pass reads theirs).</summary>
    private async Task<bool> WriteSecretAsync(V1Secret? existing, X509Certificate2 ca, X509Certificate2 serving, string bundle, CancellationToken cancellationToken)
    {
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
                        Name = settings.SecretName,
                        NamespaceProperty = settings.Namespace,
                        Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "secretgroup-operator", ["app.kubernetes.io/component"] = settings.Component },
                    },
                    Type = "kubernetes.io/tls",
                    Data = data,
                };
                await client.CoreV1.CreateNamespacedSecretAsync(secret, settings.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else
            {
                existing.Data = data;
                await client.CoreV1.ReplaceNamespacedSecretAsync(existing, settings.SecretName, settings.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Component} certificate Secret {Namespace}/{Secret} has no valid tls.crt/tls.key yet; waiting for cert-manager")]
    private static partial void LogWaitingForCertManager(ILogger logger, string component, string @namespace, string secret);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Component} serving certificate loaded from Secret {Secret}, valid until {NotAfter}")]
    private static partial void LogLoaded(ILogger logger, string component, string secret, DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Component} serving certificate issued into Secret {Namespace}/{Secret}, valid until {NotAfter} (new CA: {NewCa})")]
    private static partial void LogIssued(ILogger logger, string component, string @namespace, string secret, DateTime notAfter, bool newCa);
}
