using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Operator.References;
using Operator.Webhooks;

namespace Operator.Tests.Webhooks;

public sealed class PodWebhookTests
{
    private const string Uid = "705ab4f5-6393-11e8-b7cc-42010a800002";

    private static AdmissionReviewHandler Handler(FakeGroupCache groups) =>
        new(groups.Mutator(Options.Create(new TenancyOptions { Tenant = "acme" })), NullLogger<AdmissionReviewHandler>.Instance);

    /// <summary>An AdmissionReview as the API server sends it for <c>kubectl apply -f pod.yaml</c> in <paramref name="ns"/>.</summary>
    private static string Review(string podJson, string ns = "team-b") => $$"""
        {
          "kind": "AdmissionReview",
          "apiVersion": "admission.k8s.io/v1",
          "request": {
            "uid": "{{Uid}}",
            "kind": { "group": "", "version": "v1", "kind": "Pod" },
            "resource": { "group": "", "version": "v1", "resource": "pods" },
            "requestKind": { "group": "", "version": "v1", "kind": "Pod" },
            "requestResource": { "group": "", "version": "v1", "resource": "pods" },
            "name": "web",
            "namespace": "{{ns}}",
            "operation": "CREATE",
            "userInfo": { "username": "alice@example.com", "groups": ["system:authenticated"] },
            "object": {{podJson}},
            "oldObject": null,
            "dryRun": false,
            "options": { "kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1", "fieldManager": "kubectl-client-side-apply" }
          }
        }
        """;

    private const string PodWithEnvRefs = """
        {
          "apiVersion": "v1",
          "kind": "Pod",
          "metadata": {
            "name": "web",
            "namespace": "team-b",
            "annotations": { "kubectl.kubernetes.io/last-applied-configuration": "{}" }
          },
          "spec": {
            "initContainers": [
              { "name": "migrate", "image": "migrate:1", "env": [ { "name": "DB_PASSWORD", "value": "tfy-secret://acme:db:PASSWORD" } ] }
            ],
            "containers": [
              {
                "name": "app",
                "image": "app:1",
                "env": [
                  { "name": "LOG_LEVEL", "value": "debug" },
                  { "name": "DB_PASSWORD", "value": "tfy-secret://acme:db:PASSWORD" },
                  { "name": "POD_IP", "valueFrom": { "fieldRef": { "fieldPath": "status.podIP" } } },
                  { "name": "API_KEY", "value": "tfy-secret://acme:openai:OPENAI_API_KEY" }
                ]
              }
            ]
          }
        }
        """;

    private static (JsonObject Response, JsonObject? Pod) Run(FakeGroupCache groups, string podJson, string ns = "team-b")
    {
        var review = Handler(groups).Handle(Review(podJson, ns));
        Assert.NotNull(review);
        Assert.Equal("admission.k8s.io/v1", review["apiVersion"]!.GetValue<string>());
        Assert.Equal("AdmissionReview", review["kind"]!.GetValue<string>());
        var response = review["response"]!.AsObject();
        Assert.Equal(Uid, response["uid"]!.GetValue<string>());
        if (response["patch"] is null)
        {
            return (response, null);
        }

        Assert.Equal("JSONPatch", response["patchType"]!.GetValue<string>());
        var patch = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(response["patch"]!.GetValue<string>())))!.AsArray();
        return (response, JsonPatch.Apply(JsonNode.Parse(podJson)!.AsObject(), patch));
    }

    private static JsonNode Env(JsonObject pod, string list, int container, string name) =>
        pod["spec"]![list]![container]!["env"]!.AsArray().Single(e => e!["name"]!.GetValue<string>() == name)!;

    [Fact]
    public void EnvReferences_BecomeSecretKeyRefsToTheManagedSecret_InContainersAndInitContainers()
    {
        var groups = new FakeGroupCache()
            .With("team-b", "db", ["PASSWORD", "USER"], statusSecretName: "db-synced", targetName: "db-target")
            .With("team-b", "openai", ["OPENAI_API_KEY"]);

        var (response, pod) = Run(groups, PodWithEnvRefs);

        Assert.True(response["allowed"]!.GetValue<bool>());
        Assert.NotNull(pod);
        var password = Env(pod, "containers", 0, "DB_PASSWORD");
        Assert.Null(password["value"]);
        Assert.Equal("db-synced", password["valueFrom"]!["secretKeyRef"]!["name"]!.GetValue<string>());
        Assert.Equal("PASSWORD", password["valueFrom"]!["secretKeyRef"]!["key"]!.GetValue<string>());
        Assert.Equal("openai", Env(pod, "containers", 0, "API_KEY")["valueFrom"]!["secretKeyRef"]!["name"]!.GetValue<string>());
        Assert.Equal("db-synced", Env(pod, "initContainers", 0, "DB_PASSWORD")["valueFrom"]!["secretKeyRef"]!["name"]!.GetValue<string>());

        // Everything else is as the user wrote it, in the same order.
        Assert.Equal("debug", Env(pod, "containers", 0, "LOG_LEVEL")["value"]!.GetValue<string>());
        Assert.Equal("status.podIP", Env(pod, "containers", 0, "POD_IP")["valueFrom"]!["fieldRef"]!["fieldPath"]!.GetValue<string>());
        Assert.Equal(["LOG_LEVEL", "DB_PASSWORD", "POD_IP", "API_KEY"], pod["spec"]!["containers"]![0]!["env"]!.AsArray().Select(e => e!["name"]!.GetValue<string>()));
    }

    [Fact]
    public void SecretName_FallsBackToTargetName_BeforeTheFirstSync()
    {
        var groups = new FakeGroupCache().With("team-b", "db", ["PASSWORD"], targetName: "db-target").With("team-b", "openai", ["OPENAI_API_KEY"]);

        var (_, pod) = Run(groups, PodWithEnvRefs);

        Assert.Equal("db-target", Env(pod!, "containers", 0, "DB_PASSWORD")["valueFrom"]!["secretKeyRef"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void PodWithoutReferences_IsAllowedUntouched()
    {
        const string plain = """
            { "apiVersion": "v1", "kind": "Pod", "metadata": { "name": "web", "annotations": { "team": "b" } },
              "spec": { "containers": [ { "name": "app", "image": "app:1", "env": [ { "name": "MODE", "value": "tfy-secretless" }, { "name": "X", "value": "1" } ] } ] } }
            """;

        var (response, pod) = Run(new FakeGroupCache(), plain);

        Assert.True(response["allowed"]!.GetValue<bool>());
        Assert.Null(pod);
        Assert.Null(response["patchType"]);
        Assert.Null(response["status"]);
    }

    [Fact]
    public void GroupInAnotherNamespace_RefusesThePod_SayingHowToFixIt()
    {
        var groups = new FakeGroupCache().With("team-a", "db", ["PASSWORD"]).With("team-b", "openai", ["OPENAI_API_KEY"]);

        var (response, pod) = Run(groups, PodWithEnvRefs);

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Null(pod);
        Assert.Equal(403, response["status"]!["code"]!.GetValue<int>());
        var message = response["status"]!["message"]!.GetValue<string>();
        Assert.Contains("spec.containers[0].env[1] (DB_PASSWORD): tfy-secret://acme:db:PASSWORD: no SecretGroup 'db' in namespace 'team-b'; "
            + "create a SecretGroup in this namespace whose key aliases it (remoteRef: tfy-secret://acme:db:PASSWORD)", message, StringComparison.Ordinal);
        Assert.Contains("spec.initContainers[0].env[0] (DB_PASSWORD)", message, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherTenant_IsRefused()
    {
        var pod = PodWithEnvRefs.Replace("tfy-secret://acme:openai:", "tfy-secret://globex:openai:");
        var groups = new FakeGroupCache().With("team-b", "db", ["PASSWORD"]).With("team-b", "openai", ["OPENAI_API_KEY"]);

        var (response, _) = Run(groups, pod);

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Equal(403, response["status"]!["code"]!.GetValue<int>());
        Assert.Contains("tenant 'globex' is not this cluster's tenant 'acme'; use tfy-secret://acme:openai:OPENAI_API_KEY", response["status"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void KeyTheGroupDoesNotList_IsRefused_NamingTheKeysItHas()
    {
        var groups = new FakeGroupCache().With("team-b", "db", ["USER", "HOST"]).With("team-b", "openai", ["OPENAI_API_KEY"]);

        var (response, _) = Run(groups, PodWithEnvRefs);

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Contains("SecretGroup 'db' in namespace 'team-b' has no key 'PASSWORD'; add it to the group's spec.secrets (keys now: USER, HOST)",
            response["status"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedReference_IsABadRequest_NamingTheField()
    {
        var pod = PodWithEnvRefs.Replace("tfy-secret://acme:openai:OPENAI_API_KEY", "tfy-secret://acme:openai");
        var groups = new FakeGroupCache().With("team-b", "db", ["PASSWORD"]).With("team-b", "openai", ["OPENAI_API_KEY"]);

        var (response, _) = Run(groups, pod);

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Equal(400, response["status"]!["code"]!.GetValue<int>());
        Assert.Contains("spec.containers[0].env[3] (API_KEY): secret FQN must have 3 ':'-separated segments", response["status"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private const string PodWithMounts = """
        {
          "apiVersion": "v1",
          "kind": "Pod",
          "metadata": {
            "name": "web",
            "annotations": {
              "secrets.tfy.dev/mount.db-password": "tfy-secret://acme:db:PASSWORD=/etc/db/password",
              "secrets.tfy.dev/mount.openai": "tfy-secret://acme:openai:OPENAI_API_KEY=/var/run/openai/key.txt"
            }
          },
          "spec": {
            "containers": [
              { "name": "app", "image": "app:1", "volumeMounts": [ { "name": "cache", "mountPath": "/cache" } ] },
              { "name": "sidecar", "image": "proxy:1" }
            ],
            "volumes": [ { "name": "cache", "emptyDir": {} } ]
          }
        }
        """;

    [Fact]
    public void MountAnnotations_AddOneKeySecretVolumes_MountedReadOnlyAtTheDirectory_InEveryContainer()
    {
        var groups = new FakeGroupCache().With("team-b", "db", ["PASSWORD", "USER"], statusSecretName: "db").With("team-b", "openai", ["OPENAI_API_KEY"]);

        var (response, pod) = Run(groups, PodWithMounts);

        Assert.True(response["allowed"]!.GetValue<bool>());
        var volumes = pod!["spec"]!["volumes"]!.AsArray();
        Assert.Equal(["cache", "tfy-db-password", "tfy-openai"], volumes.Select(v => v!["name"]!.GetValue<string>()));
        var db = volumes[1]!["secret"]!;
        Assert.Equal("db", db["secretName"]!.GetValue<string>());
        var item = Assert.Single(db["items"]!.AsArray());
        Assert.Equal("PASSWORD", item!["key"]!.GetValue<string>());
        Assert.Equal("password", item["path"]!.GetValue<string>());
        Assert.Equal("key.txt", volumes[2]!["secret"]!["items"]![0]!["path"]!.GetValue<string>());

        foreach (var container in pod["spec"]!["containers"]!.AsArray())
        {
            var mounts = container!["volumeMounts"]!.AsArray().Where(m => m!["name"]!.GetValue<string>().StartsWith("tfy-")).ToList();
            Assert.Equal(2, mounts.Count);
            Assert.Equal("/etc/db", mounts.Single(m => m!["name"]!.GetValue<string>() == "tfy-db-password")!["mountPath"]!.GetValue<string>());
            Assert.Equal("/var/run/openai", mounts.Single(m => m!["name"]!.GetValue<string>() == "tfy-openai")!["mountPath"]!.GetValue<string>());
            Assert.All(mounts, m => Assert.True(m!["readOnly"]!.GetValue<bool>()));
        }

        Assert.Equal("/cache", pod["spec"]!["containers"]![0]!["volumeMounts"]![0]!["mountPath"]!.GetValue<string>());
    }

    [Fact]
    public void MountContainers_LimitsTheMountsToTheNamedContainers()
    {
        var pod = PodWithMounts.Replace("\"annotations\": {", "\"annotations\": { \"secrets.tfy.dev/mount-containers\": \"sidecar\",");
        var groups = new FakeGroupCache().With("team-b", "db", ["PASSWORD"]).With("team-b", "openai", ["OPENAI_API_KEY"]);

        var (_, patched) = Run(groups, pod);

        var containers = patched!["spec"]!["containers"]!.AsArray();
        Assert.Equal(["cache"], containers[0]!["volumeMounts"]!.AsArray().Select(m => m!["name"]!.GetValue<string>()));
        Assert.Equal(["tfy-db-password", "tfy-openai"], containers[1]!["volumeMounts"]!.AsArray().Select(m => m!["name"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("tfy-secret://acme:db:PASSWORD=etc/db/password", "must be absolute")]
    [InlineData("tfy-secret://acme:db:PASSWORD=/password", "must name a file inside a directory")]
    [InlineData("tfy-secret://acme:db:PASSWORD=/etc/../password", "must not contain empty, '.' or '..' segments")]
    [InlineData("tfy-secret://acme:db:PASSWORD", "got no '='")]
    public void BadMountAnnotation_IsABadRequest(string value, string expected)
    {
        var pod = PodWithMounts.Replace("tfy-secret://acme:db:PASSWORD=/etc/db/password", value);
        var groups = new FakeGroupCache().With("team-b", "db", ["PASSWORD"]).With("team-b", "openai", ["OPENAI_API_KEY"]);

        var (response, _) = Run(groups, pod);

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Equal(400, response["status"]!["code"]!.GetValue<int>());
        var message = response["status"]!["message"]!.GetValue<string>();
        Assert.Contains("metadata.annotations[secrets.tfy.dev/mount.db-password]", message, StringComparison.Ordinal);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public void MountForAGroupMissingInTheNamespace_IsRefused()
    {
        var (response, _) = Run(new FakeGroupCache().With("team-b", "openai", ["OPENAI_API_KEY"]), PodWithMounts);

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Contains("metadata.annotations[secrets.tfy.dev/mount.db-password]: tfy-secret://acme:db:PASSWORD: no SecretGroup 'db' in namespace 'team-b'",
            response["status"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownMountContainer_IsRefused()
    {
        var pod = PodWithMounts.Replace("\"annotations\": {", "\"annotations\": { \"secrets.tfy.dev/mount-containers\": \"app,worker\",");
        var groups = new FakeGroupCache().With("team-b", "db", ["PASSWORD"]).With("team-b", "openai", ["OPENAI_API_KEY"]);

        var (response, _) = Run(groups, pod);

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Contains("no container named 'worker'; containers: app, sidecar", response["status"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Refusal_NeverEchoesLiteralEnvValues()
    {
        const string canary = "canary-Zx81-literal-password";
        var pod = PodWithEnvRefs.Replace("\"value\": \"debug\"", $"\"value\": \"{canary}\"");
        Assert.Contains(canary, pod, StringComparison.Ordinal);

        var (response, _) = Run(new FakeGroupCache(), pod);

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.DoesNotContain(canary, response.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\"}")]
    [InlineData("{\"request\":{\"uid\":42}}")]
    public void NotAnAdmissionReview_IsRejected(string body)
    {
        Assert.Null(Handler(new FakeGroupCache()).Handle(body));
    }

    [Fact]
    public void ReviewWhosePodSaysAnotherNamespace_IsRefused_AndAnswersNothingAboutEither()
    {
        var groups = new FakeGroupCache().With("team-a", "db", ["PASSWORD"], statusSecretName: "db").With("team-a", "openai", ["OPENAI_API_KEY"], statusSecretName: "openai");

        // The Pod (metadata.namespace team-b) in a review that claims team-a: not something the API server sends.
        var (response, pod) = Run(groups, PodWithEnvRefs, ns: "team-a");

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Null(pod);
        Assert.Equal(400, response["status"]!["code"]!.GetValue<int>());
        Assert.Contains("request.namespace", response["status"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("PASSWORD", response.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ReviewWithoutRequestNamespace_IsRefused_NeverReadAsDefault()
    {
        var groups = new FakeGroupCache().With("default", "db", ["PASSWORD"], statusSecretName: "db").With("default", "openai", ["OPENAI_API_KEY"], statusSecretName: "openai");
        var body = Review(PodWithEnvRefs.Replace("\"namespace\": \"team-b\",", "", StringComparison.Ordinal), "x").Replace("\"namespace\": \"x\",", "", StringComparison.Ordinal);

        var response = Handler(groups).Handle(body)!["response"]!;

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Null(response["patch"]);
        Assert.Contains("request.namespace: required", response["status"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void StatusNamingASecretTheGroupDoesNotOwn_IsNotFollowed()
    {
        var groups = new FakeGroupCache().With("team-b", "db", ["PASSWORD", "USER"]).With("team-b", "openai", ["OPENAI_API_KEY"], statusSecretName: "openai")
            .WithForgedStatus("team-b", "db", "db-credentials");

        var (response, pod) = Run(groups, PodWithEnvRefs);

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Null(pod);
        Assert.Contains("does not own Secret 'db-credentials'", response["status"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void GroupInFqnConflict_DoesNotStandForTheName()
    {
        // team-a's db is older and owns acme:db; team-b's namesake waits in FqnConflict.
        var groups = new FakeGroupCache().With("team-a", "db", ["PASSWORD"], statusSecretName: "db")
            .With("team-b", "db", ["PASSWORD", "USER"], statusSecretName: "db").With("team-b", "openai", ["OPENAI_API_KEY"], statusSecretName: "openai");

        var (response, pod) = Run(groups, PodWithEnvRefs);

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Null(pod);
        Assert.Contains("does not own the name 'acme:db'", response["status"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
