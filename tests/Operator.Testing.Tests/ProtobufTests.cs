using k8s;

namespace Operator.Testing.Tests;

/// <summary>
/// kubectl's typed commands send protobuf (client-go falls back to JSON on a 415 only for CBOR): the emulator decodes
/// them, so `kubectl create secret generic` and friends work as against a real API server.
/// </summary>
public sealed class ProtobufTests
{
    [Fact]
    public async Task KubectlCreateSecretGeneric_FromLiteral_StoresTheValue()
    {
        await using var kube = await TestKube.StartAsync();
        using var kubectl = await Kubectl.ForAsync(kube.Emulator);

        Assert.Contains("secret/db created", await kubectl.RunAsync("create", "secret", "generic", "db", "-n", kube.Namespace, "--from-literal=password=s3cr=t", "--from-literal=user=app"));

        var secret = await kube.Client.CoreV1.ReadNamespacedSecretAsync("db", kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.Equal("s3cr=t", System.Text.Encoding.UTF8.GetString(secret.Data["password"]));
        Assert.Equal("app", System.Text.Encoding.UTF8.GetString(secret.Data["user"]));
        Assert.Equal("Opaque", secret.Type);
    }

    [Fact]
    public async Task KubectlCreate_TypedKinds_AreDecodedFieldForField()
    {
        await using var kube = await TestKube.StartAsync();
        using var kubectl = await Kubectl.ForAsync(kube.Emulator);
        var ns = kube.Namespace;

        await kubectl.RunAsync("create", "configmap", "settings", "-n", ns, "--from-literal=mode=fast");
        await kubectl.RunAsync("create", "namespace", "made-by-kubectl");
        await kubectl.RunAsync("create", "serviceaccount", "robot", "-n", ns);
        await kubectl.RunAsync("create", "role", "reader", "-n", ns, "--verb=get,list", "--resource=secrets", "--resource-name=db");
        await kubectl.RunAsync("create", "rolebinding", "reader", "-n", ns, "--role=reader", $"--serviceaccount={ns}:robot", "--user=alice");
        await kubectl.RunAsync("create", "clusterrole", "viewer", "--verb=get", "--resource=configmaps");
        await kubectl.RunAsync("create", "deployment", "web", "-n", ns, "--image=nginx:1.27", "--port=8080", "--replicas=2");
        await kubectl.RunAsync("create", "service", "clusterip", "web", "-n", ns, "--tcp=80:8080");
        var (cert, key) = SelfSigned();
        await kubectl.WriteAsync("tls.crt", cert);
        await kubectl.WriteAsync("tls.key", key);
        await kubectl.RunAsync("create", "secret", "tls", "cert", "-n", ns, "--cert", "tls.crt", "--key", "tls.key");

        Assert.Equal("fast", await kubectl.RunAsync("get", "configmap", "settings", "-n", ns, "-o", "jsonpath={.data.mode}"));
        Assert.Equal("Active", await kubectl.RunAsync("get", "namespace", "made-by-kubectl", "-o", "jsonpath={.status.phase}"));
        Assert.Equal("robot", await kubectl.RunAsync("get", "serviceaccount", "robot", "-n", ns, "-o", "jsonpath={.metadata.name}"));
        Assert.Equal("get list secrets db", await kubectl.RunAsync("get", "role", "reader", "-n", ns, "-o", "jsonpath={.rules[0].verbs[0]} {.rules[0].verbs[1]} {.rules[0].resources[0]} {.rules[0].resourceNames[0]}"));
        Assert.Equal("Role/reader User/alice ServiceAccount/robot", await kubectl.RunAsync("get", "rolebinding", "reader", "-n", ns, "-o", "jsonpath={.roleRef.kind}/{.roleRef.name} {.subjects[0].kind}/{.subjects[0].name} {.subjects[1].kind}/{.subjects[1].name}"));
        Assert.Equal("configmaps", await kubectl.RunAsync("get", "clusterrole", "viewer", "-o", "jsonpath={.rules[0].resources[0]}"));
        Assert.Equal("2 nginx:1.27 8080 web", await kubectl.RunAsync("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort} {.spec.selector.matchLabels.app}"));
        Assert.Equal("80 8080 ClusterIP", await kubectl.RunAsync("get", "service", "web", "-n", ns, "-o", "jsonpath={.spec.ports[0].port} {.spec.ports[0].targetPort} {.spec.type}"));
        Assert.Equal("kubernetes.io/tls", await kubectl.RunAsync("get", "secret", "cert", "-n", ns, "-o", "jsonpath={.type}"));
    }

    [Fact]
    public async Task ProtobufBody_OfAKindWithoutATable_Is415NamingIt()
    {
        await using var kube = await TestKube.StartAsync();
        using var http = new HttpClient { BaseAddress = kube.Emulator.BaseAddress };
        // "k8s\0" + Unknown{typeMeta{apiVersion "v1", kind "Pod"}}
        byte[] body = [.. "k8s\0"u8, 0x0a, 0x09, 0x0a, 0x02, .. "v1"u8, 0x12, 0x03, .. "Pod"u8];
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/vnd.kubernetes.protobuf");

        using var response = await http.PostAsync($"/api/v1/namespaces/{kube.Namespace}/pods", content, TestKube.Ct);

        Assert.Equal(System.Net.HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("cannot decode v1 Pod from protobuf", await response.Content.ReadAsStringAsync(TestKube.Ct));
    }

    private static (string Cert, string Key) SelfSigned()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=test", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return (cert.ExportCertificatePem(), rsa.ExportPkcs8PrivateKeyPem());
    }
}
