using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Operator.References;
using Operator.Testing.Kube;
using Operator.Tls;
using Operator.Webhooks;

namespace Operator.Tests.Webhooks;

public sealed class WebhookCertificatesTests : IAsyncLifetime
{
    private const string Ns = "secretgroup-system";

    private KubeApiEmulator kube = null!;
    private IKubernetes client = null!;

    private static IOptions<WebhookOptions> Options(bool certManager = false) =>
        Microsoft.Extensions.Options.Options.Create(new WebhookOptions { Port = 0, CertManager = certManager });

    private static IOptions<TenancyOptions> Tenancy() => Microsoft.Extensions.Options.Options.Create(new TenancyOptions { Tenant = "acme", Namespace = Ns });

    public async ValueTask InitializeAsync()
    {
        kube = await KubeApiEmulator.StartAsync();
        client = kube.CreateClient();
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Ns } });
        await client.AdmissionregistrationV1.CreateMutatingWebhookConfigurationAsync(new V1MutatingWebhookConfiguration
        {
            Metadata = new V1ObjectMeta { Name = "secretgroup-operator" },
            Webhooks =
            [
                new V1MutatingWebhook
                {
                    Name = "pods.secrets.tfy.dev",
                    AdmissionReviewVersions = ["v1"],
                    SideEffects = "None",
                    FailurePolicy = "Fail",
                    ClientConfig = new Admissionregistrationv1WebhookClientConfig
                    {
                        Service = new Admissionregistrationv1ServiceReference { Name = "secretgroup-operator-webhook", NamespaceProperty = Ns, Path = "/mutate-pods", Port = 443 },
                    },
                },
            ],
        });
    }

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        await kube.DisposeAsync();
    }

    private WebhookCertificates Certificates(TimeProvider time, bool certManager = false) =>
        new(client, Options(certManager), Tenancy(), time, NullLogger<WebhookCertificates>.Instance);

    private async Task<V1Secret> SecretAsync() => await client.CoreV1.ReadNamespacedSecretAsync("secretgroup-operator-webhook-tls", Ns);

    private async Task<byte[]?> CaBundleAsync() =>
        (await client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync("secretgroup-operator")).Webhooks.Single().ClientConfig.CaBundle;

    private static bool ChainsTo(X509Certificate2 leaf, string caPem, DateTimeOffset at)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        foreach (var ca in CertificateAuthority.LoadAll(caPem))
        {
            chain.ChainPolicy.CustomTrustStore.Add(ca);
        }

        return chain.Build(leaf);
    }

    [Fact]
    public async Task FirstPass_CreatesTheSecret_AndPublishesTheCaBundle()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var certs = Certificates(time);

        Assert.True(await certs.EnsureAsync(CancellationToken.None));

        var secret = await SecretAsync();
        Assert.Equal("kubernetes.io/tls", secret.Type);
        var caPem = Encoding.UTF8.GetString(secret.Data["ca.crt"]);
        Assert.Equal(secret.Data["ca.crt"], await CaBundleAsync());
        var serving = certs.Current!;
        Assert.True(serving.HasPrivateKey);
        Assert.Equal(Encoding.UTF8.GetString(secret.Data["tls.crt"]).Trim(), serving.ExportCertificatePem().Trim());
        Assert.Equal("secretgroup-operator-webhook.secretgroup-system.svc", serving.GetNameInfo(X509NameType.DnsName, false));
        Assert.Equal(time.GetUtcNow().AddDays(90).UtcDateTime, serving.NotAfter.ToUniversalTime());
        Assert.True(ChainsTo(serving, caPem, time.GetUtcNow()));
        var ca = Assert.Single(CertificateAuthority.LoadAll(caPem));
        Assert.Equal(time.GetUtcNow().AddDays(730).UtcDateTime, ca.NotAfter.ToUniversalTime());

        // A second pass (another replica, a restart) keeps what is there.
        var version = secret.Metadata.ResourceVersion;
        Assert.True(await Certificates(time).EnsureAsync(CancellationToken.None));
        Assert.Equal(version, (await SecretAsync()).Metadata.ResourceVersion);
    }

    [Fact]
    public async Task ServingCertificate_IsRenewedOnlyWhenLessThan30DaysAreLeft()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var certs = Certificates(time);
        await certs.EnsureAsync(CancellationToken.None);
        var first = certs.Current!;
        var caBefore = (await SecretAsync()).Data["ca.crt"];

        time.Advance(TimeSpan.FromDays(59));
        await certs.EnsureAsync(CancellationToken.None);
        Assert.Equal(first.Thumbprint, certs.Current!.Thumbprint);

        time.Advance(TimeSpan.FromDays(2));
        await certs.EnsureAsync(CancellationToken.None);
        var renewed = certs.Current!;
        Assert.NotEqual(first.Thumbprint, renewed.Thumbprint);
        Assert.Equal(time.GetUtcNow().AddDays(90).UtcDateTime, renewed.NotAfter.ToUniversalTime());
        var secret = await SecretAsync();
        Assert.Equal(caBefore, secret.Data["ca.crt"]);
        Assert.Equal(renewed.ExportCertificatePem().Trim(), Encoding.UTF8.GetString(secret.Data["tls.crt"]).Trim());
        Assert.True(ChainsTo(renewed, Encoding.UTF8.GetString(caBefore), time.GetUtcNow()));
    }

    [Fact]
    public async Task CaNearItsEnd_IsReplaced_AndTheOldCaStaysInTheBundleWhileValid()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var certs = Certificates(time);
        await certs.EnsureAsync(CancellationToken.None);
        var oldCa = Assert.Single(CertificateAuthority.LoadAll(Encoding.UTF8.GetString((await SecretAsync()).Data["ca.crt"])));

        time.Advance(TimeSpan.FromDays(730 - 100));
        await certs.EnsureAsync(CancellationToken.None);

        var bundle = CertificateAuthority.LoadAll(Encoding.UTF8.GetString((await SecretAsync()).Data["ca.crt"]));
        Assert.Equal(2, bundle.Count);
        Assert.NotEqual(oldCa.Thumbprint, bundle[0].Thumbprint);
        Assert.Equal(oldCa.Thumbprint, bundle[1].Thumbprint);
        Assert.Equal(bundle[0].Subject, certs.Current!.Issuer);
        Assert.Equal((await SecretAsync()).Data["ca.crt"], await CaBundleAsync());
    }

    [Fact]
    public async Task CertManagerMode_OnlyReadsTheSecret_AndLeavesTheCaBundleAlone()
    {
        var now = DateTimeOffset.UtcNow;
        using var ca = CertificateAuthority.CreateCa("cert-manager-ca", now, TimeSpan.FromDays(365));
        using var issued = CertificateAuthority.IssueServing(ca, ["secretgroup-operator-webhook.secretgroup-system.svc"], now, TimeSpan.FromDays(90));
        var certs = Certificates(TimeProvider.System, certManager: true);

        Assert.False(await certs.EnsureAsync(CancellationToken.None));
        Assert.Null(certs.Current);

        await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "secretgroup-operator-webhook-tls", NamespaceProperty = Ns },
            Type = "kubernetes.io/tls",
            Data = new Dictionary<string, byte[]>
            {
                ["tls.crt"] = Encoding.UTF8.GetBytes(issued.ExportCertificatePem()),
                ["tls.key"] = Encoding.UTF8.GetBytes(CertificateAuthority.KeyPem(issued)),
            },
        }, Ns);
        var version = (await SecretAsync()).Metadata.ResourceVersion;

        Assert.True(await certs.EnsureAsync(CancellationToken.None));

        Assert.Equal(issued.Thumbprint, certs.Current!.Thumbprint);
        Assert.Equal(version, (await SecretAsync()).Metadata.ResourceVersion);
        Assert.Null(await CaBundleAsync());
        Assert.DoesNotContain(kube.Requests, r => r.Method is "PUT" or "PATCH");
    }

    [Fact]
    public async Task HttpsEndpoint_AnswersAdmissionReviews_AndPresentsARenewedCertificateWithoutARestart()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = Options();
        var certs = new WebhookCertificates(client, options, Tenancy(), time, NullLogger<WebhookCertificates>.Instance);
        var groups = new FakeGroupCache().With("team-b", "db", ["PASSWORD"]);
        var handler = new AdmissionReviewHandler(groups.Mutator(Tenancy()), NullLogger<AdmissionReviewHandler>.Instance);
        await using var server = new WebhookServer(certs, handler, options, time, NullLoggerFactory.Instance);
        await server.StartAsync(CancellationToken.None);
        try
        {
            var caPem = Encoding.UTF8.GetString(await CaBundleAsync() ?? []);
            const string review = """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1","kind":{"group":"","version":"v1","kind":"Pod"},
                 "namespace":"team-b","operation":"CREATE","object":{"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"web-"},
                 "spec":{"containers":[{"name":"app","image":"app:1","env":[{"name":"P","value":"tfy-secret://acme:db:PASSWORD"}]}]}}}}
                """;

            var (status, body, presented) = await PostAsync(server.Port, caPem, time, review);
            Assert.Equal(HttpStatusCode.OK, status);
            var response = JsonNode.Parse(body)!["response"]!;
            Assert.Equal("u-1", response["uid"]!.GetValue<string>());
            Assert.True(response["allowed"]!.GetValue<bool>());
            Assert.Equal("JSONPatch", response["patchType"]!.GetValue<string>());
            Assert.Equal(certs.Current!.Thumbprint, presented);

            var (badStatus, _, _) = await PostAsync(server.Port, caPem, time, "{\"kind\":\"AdmissionReview\"}");
            Assert.Equal(HttpStatusCode.BadRequest, badStatus);

            var before = certs.Current.Thumbprint;
            time.Advance(TimeSpan.FromDays(61));
            // The server's own hourly check fires on the advance too; a pass that lost the race to it is retried.
            for (var i = 0; i < 5 && !await certs.EnsureAsync(CancellationToken.None); i++)
            {
            }

            var (_, _, renewed) = await PostAsync(server.Port, caPem, time, review);
            Assert.NotEqual(before, renewed);
            Assert.Equal(certs.Current.Thumbprint, renewed);
        }
        finally
        {
            await server.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>POSTs on a new connection that trusts only <paramref name="caPem"/>; returns the thumbprint the server presented.</summary>
    private static async Task<(HttpStatusCode Status, string Body, string? Presented)> PostAsync(int port, string caPem, TimeProvider time, string body)
    {
        string? presented = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                presented = certificate?.Thumbprint;
                return certificate is not null && ChainsTo(certificate, caPem, time.GetUtcNow())
                    && certificate.MatchesHostname("localhost");
            },
        };
        using var http = new HttpClient(handler);
        using var content = new StringContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(new Uri($"https://localhost:{port}{WebhookServer.MutatePodsPath}"), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), presented);
    }
}
