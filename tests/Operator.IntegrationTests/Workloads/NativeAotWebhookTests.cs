using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.IntegrationTests.Stores;
using Operator.Runtime;
using Operator.Testing;

namespace Operator.IntegrationTests.Workloads;

/// <summary>
/// The Native AOT binary (<see cref="NativeAotOperator"/>) with <c>--webhook-enabled</c>: it issues its certificate,
/// puts its CA into the MutatingWebhookConfiguration, and answers AdmissionReviews over TLS as the API server sends
/// them (trusting only that caBundle): a Pod referencing a synced group's key is patched to the group's own Secret, a
/// Pod referencing what the namespace lacks is refused with a message naming the key, a review whose Pod claims
/// another namespace is refused as a bad request.
/// </summary>
public sealed class NativeAotWebhookTests(ITestOutputHelper output)
{
    private const string Ns = "team-aot";
    private const string ConfigName = "secretgroup-operator";

    private readonly CancellationToken ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task NativeAotBinary_Webhook_PatchesAPodToTheGroupsSecret_AndRefusesWhatTheNamespaceLacks()
    {
        await using var aot = await NativeAotOperator.StartAsync(output, Ns, "team-other");
        await using var ssm = await NativeAotSmokeTests.StartSsmAsync(aot);
        ssm.Seed($"/tfy-secret/{NativeAotOperator.Tenant}/db/PASSWORD", "webhook-aot-1");
        await aot.Client.AdmissionregistrationV1.CreateMutatingWebhookConfigurationAsync(new V1MutatingWebhookConfiguration
        {
            Metadata = new V1ObjectMeta { Name = ConfigName },
            Webhooks = [new V1MutatingWebhook
            {
                Name = "pods.secrets.tfy.dev",
                AdmissionReviewVersions = ["v1"],
                SideEffects = "None",
                ClientConfig = new Admissionregistrationv1WebhookClientConfig { Service = new Admissionregistrationv1ServiceReference { Name = "secretgroup-operator-webhook", NamespaceProperty = ShippedRbac.Namespace, Path = "/mutate-pods" } },
            }],
        }, cancellationToken: ct);
        var port = LoopbackPorts.Free();
        aot.Run(["--webhook-enabled", $"--webhook-port={port.ToString(CultureInfo.InvariantCulture)}"]);
        await new ResourceClient<SecretGroup>(aot.Client).CreateAsync(NativeAotSmokeTests.Group("db", "PASSWORD"), ct);
        var group = await aot.WaitForGroupReadyAsync(Ns, "db");

        byte[]? caBundle = null;
        await aot.PollAsync(
            async () => (caBundle = (await aot.Client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync(ConfigName, cancellationToken: ct)).Webhooks.Single().ClientConfig.CaBundle) is { Length: > 0 },
            "the webhook's caBundle in its MutatingWebhookConfiguration");
        using var http = new HttpClient(TestClients.TrustingOnly(caBundle!)) { BaseAddress = new Uri($"https://localhost:{port.ToString(CultureInfo.InvariantCulture)}"), Timeout = TimeSpan.FromSeconds(30) };
        await aot.PollAsync(() => AnswersAsync(http), "the webhook to answer over TLS");

        // Allowed and mutated: the env value and the mount annotation both point at the group's own (synced) Secret.
        var patched = await ReviewAsync(http, "u-allowed", Ns, Pod(Ns, "tfy-secret://acme:db:PASSWORD", new() { ["secrets.tfy.dev/mount.db"] = "tfy-secret://acme:db:PASSWORD=/etc/db/password" }));
        Assert.Equal("u-allowed", (string?)patched["uid"]);
        Assert.True((bool)patched["allowed"]!);
        Assert.Equal("JSONPatch", (string?)patched["patchType"]);
        var patch = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String((string)patched["patch"]!)))!.AsArray();
        var env = Assert.Single(patch, op => (string?)op!["path"] == "/spec/containers/0/env/0")!;
        Assert.Equal("replace", (string?)env["op"]);
        Assert.Equal(group.Status!.SecretName, (string?)env["value"]!["valueFrom"]!["secretKeyRef"]!["name"]);
        Assert.Equal("PASSWORD", (string?)env["value"]!["valueFrom"]!["secretKeyRef"]!["key"]);
        var volume = Assert.Single(patch, op => ((string?)op!["path"])!.StartsWith("/spec/volumes", StringComparison.Ordinal))!;
        Assert.Contains("\"secretName\":\"db\"", volume.ToJsonString(), StringComparison.Ordinal);

        // A Pod without references passes untouched.
        var untouched = await ReviewAsync(http, "u-plain", Ns, Pod(Ns, "plain-value"));
        Assert.True((bool)untouched["allowed"]!);
        Assert.Null(untouched["patch"]);

        // Refused: a key the group lacks, and a group another namespace has (never resolved across namespaces).
        var missingKey = await ReviewAsync(http, "u-missing", Ns, Pod(Ns, "tfy-secret://acme:db:TOKEN"));
        Assert.False((bool)missingKey["allowed"]!);
        Assert.Equal(403, (int)missingKey["status"]!["code"]!);
        Assert.Contains("SecretGroup 'db' in namespace 'team-aot' has no key 'TOKEN'", (string?)missingKey["status"]!["message"], StringComparison.Ordinal);
        var otherNamespace = await ReviewAsync(http, "u-other", "team-other", Pod("team-other", "tfy-secret://acme:db:PASSWORD"));
        Assert.False((bool)otherNamespace["allowed"]!);
        Assert.Contains("no SecretGroup 'db' in namespace 'team-other'", (string?)otherNamespace["status"]!["message"], StringComparison.Ordinal);

        // A review that did not come from the API server (the Pod claims another namespace) is a bad request.
        var forged = await ReviewAsync(http, "u-forged", "team-other", Pod(Ns, "tfy-secret://acme:db:PASSWORD"));
        Assert.False((bool)forged["allowed"]!);
        Assert.Equal(400, (int)forged["status"]!["code"]!);

        // Not an AdmissionReview at all: HTTP 400, no answer about any group.
        using var junk = new StringContent("""{"kind":"AdmissionReview"}""", Encoding.UTF8, "application/json");
        using var refused = await http.PostAsync(new Uri("/mutate-pods", UriKind.Relative), junk, ct);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        var log = string.Join("\n", aot.Process!.Output());
        Assert.DoesNotContain("webhook-aot-1", log, StringComparison.Ordinal);
        aot.AssertCleanRun();
    }

    private async Task<bool> AnswersAsync(HttpClient http)
    {
        try
        {
            using var empty = new StringContent("{}", Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri("/mutate-pods", UriKind.Relative), empty, ct);
            return response.StatusCode == HttpStatusCode.BadRequest;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static JsonObject Pod(string ns, string envValue, Dictionary<string, string>? annotations = null) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject
        {
            ["name"] = "web",
            ["namespace"] = ns,
            ["annotations"] = new JsonObject([.. (annotations ?? []).Select(a => KeyValuePair.Create<string, JsonNode?>(a.Key, a.Value))]),
        },
        ["spec"] = new JsonObject
        {
            ["containers"] = new JsonArray(new JsonObject
            {
                ["name"] = "app",
                ["image"] = "app:1",
                ["env"] = new JsonArray(new JsonObject { ["name"] = "P", ["value"] = envValue }),
            }),
        },
    };

    /// <summary>POSTs an admission.k8s.io/v1 AdmissionReview for a Pod CREATE in <paramref name="ns"/>, as the API server does; returns its response.</summary>
    private async Task<JsonNode> ReviewAsync(HttpClient http, string uid, string ns, JsonObject pod)
    {
        var review = new JsonObject
        {
            ["apiVersion"] = "admission.k8s.io/v1",
            ["kind"] = "AdmissionReview",
            ["request"] = new JsonObject
            {
                ["uid"] = uid,
                ["kind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
                ["resource"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["resource"] = "pods" },
                ["namespace"] = ns,
                ["operation"] = "CREATE",
                ["userInfo"] = new JsonObject { ["username"] = "system:serviceaccount:kube-system:replicaset-controller" },
                ["object"] = pod,
                ["dryRun"] = false,
            },
        };
        using var content = new StringContent(review.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(new Uri("/mutate-pods?timeout=10s", UriKind.Relative), content, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{uid}: {(int)response.StatusCode} {text}");
        var answer = JsonNode.Parse(text)!;
        Assert.Equal("admission.k8s.io/v1", (string?)answer["apiVersion"]);
        Assert.Equal("AdmissionReview", (string?)answer["kind"]);
        return answer["response"]!;
    }
}
