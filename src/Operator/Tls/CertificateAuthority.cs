using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Operator.Tls;

/// <summary>Issues the operator's own CAs and serving certificates (ECDSA P-256) and reads them back from PEM.</summary>
internal static class CertificateAuthority
{
    public static X509Certificate2 CreateCa(string commonName, DateTimeOffset now, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(now - TimeSpan.FromMinutes(5), now + lifetime);
    }

    public static X509Certificate2 IssueServing(X509Certificate2 ca, IReadOnlyList<string> dnsNames, DateTimeOffset now, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsNames[0]}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }

        // Loopback too, so the webhook can be called from the pod itself and from tests.
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        var notAfter = now + lifetime < ca.NotAfter ? now + lifetime : new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        using var issued = request.Create(ca, now - TimeSpan.FromMinutes(5), notAfter, RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    public static string CertificatePem(X509Certificate2 certificate) => certificate.ExportCertificatePem();

    public static string KeyPem(X509Certificate2 certificate) =>
        (certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("certificate has no EC private key")).ExportPkcs8PrivateKeyPem();

    /// <summary>The first certificate in <paramref name="certPem"/> with <paramref name="keyPem"/>, or null when they do not parse or match.</summary>
    public static X509Certificate2? TryLoad(string? certPem, string? keyPem)
    {
        if (string.IsNullOrEmpty(certPem) || string.IsNullOrEmpty(keyPem))
        {
            return null;
        }

        try
        {
            return X509Certificate2.CreateFromPem(FirstCertificate(certPem), keyPem);
        }
        catch (CryptographicException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Every certificate in a PEM bundle that parses.</summary>
    public static List<X509Certificate2> LoadAll(string? pem)
    {
        var result = new List<X509Certificate2>();
        var rest = (pem ?? "").AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            if (rest[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                try
                {
                    result.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(rest[fields.Base64Data].ToString())));
                }
                catch (CryptographicException)
                {
                    // A damaged entry is dropped; the others still count.
                }
            }

            rest = rest[fields.Location.End..];
        }

        return result;
    }

    private static string FirstCertificate(string pem)
    {
        var span = pem.AsSpan();
        return PemEncoding.TryFind(span, out var fields) ? span[fields.Location].ToString() : pem;
    }
}
