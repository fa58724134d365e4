using System.Globalization;
using System.Text.Json.Nodes;

namespace Operator.Testing.Kube.Protobuf;

/// <summary>
/// Decodes the protobuf bodies kubectl's typed commands send (<c>kubectl create secret|configmap|namespace|
/// serviceaccount|role|rolebinding|clusterrole|clusterrolebinding|deployment|service</c>, <c>kubectl auth can-i|whoami</c>,
/// <c>kubectl create token</c>):
/// client-go forces protobuf for built-in kinds and falls back to JSON on a 415 only for CBOR (rest/client.go,
/// requestClientContentConfigProvider.UnsupportedMediaType), so a 415 would fail those commands. The envelope is
/// apimachinery's: "k8s\0" then runtime.Unknown {typeMeta=1, raw=2}. Field numbers come from k8s.io/api's
/// generated.proto. A field outside these tables is refused with a 415 naming it, rather than silently dropped.
/// </summary>
internal static class KubeProtobuf
{
    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    private static readonly Dictionary<string, string> KindMessages = new(StringComparer.Ordinal)
    {
        ["v1/Secret"] = "Secret", ["v1/ConfigMap"] = "ConfigMap", ["v1/Namespace"] = "Namespace",
        ["v1/ServiceAccount"] = "ServiceAccount", ["v1/Service"] = "Service", ["apps/v1/Deployment"] = "Deployment",
        ["rbac.authorization.k8s.io/v1/Role"] = "Role", ["rbac.authorization.k8s.io/v1/ClusterRole"] = "ClusterRole",
        ["rbac.authorization.k8s.io/v1/RoleBinding"] = "RoleBinding", ["rbac.authorization.k8s.io/v1/ClusterRoleBinding"] = "RoleBinding",
        ["authorization.k8s.io/v1/SelfSubjectAccessReview"] = "SelfSubjectAccessReview",
        ["authorization.k8s.io/v1/SelfSubjectRulesReview"] = "SelfSubjectRulesReview",
        ["authentication.k8s.io/v1/SelfSubjectReview"] = "SelfSubjectReview",
        ["authentication.k8s.io/v1/TokenRequest"] = "TokenRequest",
    };

    // "number jsonName kind[?]" per field; kinds: s string, b bytes, i int, o bool, t Time, q Quantity, n IntOrString,
    // ms map<string,string>, mb map<string,bytes>, mq map<string,Quantity>, rs repeated string, m:X message,
    // rm:X repeated message, - ignored. "?" marks a pointer field: its zero value is kept. A request's status is ignored
    // (create strategies reset it, reviews compute it); Go writes non-pointer status structs even when empty.
    private static readonly Dictionary<string, Dictionary<int, FieldSpec>> Messages = Parse(new()
    {
        ["ObjectMeta"] = "1 name s|2 generateName s|3 namespace s|4 selfLink s|5 uid s|6 resourceVersion s|7 generation i|8 creationTimestamp t|9 deletionTimestamp t|10 deletionGracePeriodSeconds i?|11 labels ms|12 annotations ms|13 ownerReferences rm:OwnerReference|14 finalizers rs|17 managedFields -",
        ["OwnerReference"] = "1 kind s|3 name s|4 uid s|5 apiVersion s|6 controller o?|7 blockOwnerDeletion o?",
        ["Secret"] = "1 metadata m:ObjectMeta|2 data mb|3 type s|4 stringData ms|5 immutable o?",
        ["ConfigMap"] = "1 metadata m:ObjectMeta|2 data ms|3 binaryData mb|4 immutable o?",
        ["Namespace"] = "1 metadata m:ObjectMeta|2 spec m:NamespaceSpec|3 status m:NamespaceStatus",
        ["NamespaceSpec"] = "1 finalizers rs",
        ["NamespaceStatus"] = "1 phase s",
        ["ServiceAccount"] = "1 metadata m:ObjectMeta|2 secrets rm:ObjectReference|3 imagePullSecrets rm:LocalObjectReference|4 automountServiceAccountToken o?",
        ["ObjectReference"] = "1 kind s|2 namespace s|3 name s|4 uid s|5 apiVersion s|6 resourceVersion s|7 fieldPath s",
        ["LocalObjectReference"] = "1 name s",
        ["Role"] = "1 metadata m:ObjectMeta|2 rules rm:PolicyRule",
        ["ClusterRole"] = "1 metadata m:ObjectMeta|2 rules rm:PolicyRule|3 aggregationRule m:AggregationRule",
        ["AggregationRule"] = "1 clusterRoleSelectors rm:LabelSelector",
        ["PolicyRule"] = "1 verbs rs|2 apiGroups rs|3 resources rs|4 resourceNames rs|5 nonResourceURLs rs",
        ["RoleBinding"] = "1 metadata m:ObjectMeta|2 subjects rm:Subject|3 roleRef m:RoleRef",
        ["Subject"] = "1 kind s|2 apiGroup s|3 name s|4 namespace s",
        ["RoleRef"] = "1 apiGroup s|2 kind s|3 name s",
        ["LabelSelector"] = "1 matchLabels ms|2 matchExpressions rm:LabelSelectorRequirement",
        ["LabelSelectorRequirement"] = "1 key s|2 operator s|3 values rs",
        ["SelfSubjectAccessReview"] = "1 metadata m:ObjectMeta|2 spec m:SelfSubjectAccessReviewSpec|3 status -",
        ["SelfSubjectAccessReviewSpec"] = "1 resourceAttributes m:ResourceAttributes|2 nonResourceAttributes m:NonResourceAttributes",
        ["ResourceAttributes"] = "1 namespace s|2 verb s|3 group s|4 version s|5 resource s|6 subresource s|7 name s",
        ["NonResourceAttributes"] = "1 path s|2 verb s",
        ["SelfSubjectRulesReview"] = "1 metadata m:ObjectMeta|2 spec m:SelfSubjectRulesReviewSpec|3 status -",
        ["SelfSubjectRulesReviewSpec"] = "1 namespace s",
        ["SelfSubjectReview"] = "1 metadata m:ObjectMeta|2 status -",
        ["TokenRequest"] = "1 metadata m:ObjectMeta|2 spec m:TokenRequestSpec|3 status -",
        ["TokenRequestSpec"] = "1 audiences rs|3 boundObjectRef m:BoundObjectReference|4 expirationSeconds i?",
        ["BoundObjectReference"] = "1 kind s|2 apiVersion s|3 name s|4 uid s",
        ["Deployment"] = "1 metadata m:ObjectMeta|2 spec m:DeploymentSpec|3 status -",
        ["DeploymentSpec"] = "1 replicas i?|2 selector m:LabelSelector|3 template m:PodTemplateSpec|4 strategy m:DeploymentStrategy|5 minReadySeconds i|6 revisionHistoryLimit i?|7 paused o|9 progressDeadlineSeconds i?",
        ["DeploymentStrategy"] = "1 type s|2 rollingUpdate m:RollingUpdateDeployment",
        ["RollingUpdateDeployment"] = "1 maxUnavailable n|2 maxSurge n",
        ["PodTemplateSpec"] = "1 metadata m:ObjectMeta|2 spec m:PodSpec",
        ["PodSpec"] = "2 containers rm:Container|3 restartPolicy s|4 terminationGracePeriodSeconds i?|6 dnsPolicy s|7 nodeSelector ms|8 serviceAccountName s|9 serviceAccount s|15 imagePullSecrets rm:LocalObjectReference|20 initContainers rm:Container",
        ["Container"] = "1 name s|2 image s|3 command rs|4 args rs|5 workingDir s|6 ports rm:ContainerPort|7 env rm:EnvVar|8 resources m:ResourceRequirements|13 terminationMessagePath s|14 imagePullPolicy s|16 stdin o|17 stdinOnce o|18 tty o|20 terminationMessagePolicy s",
        ["ContainerPort"] = "1 name s|2 hostPort i|3 containerPort i|4 protocol s|5 hostIP s",
        ["EnvVar"] = "1 name s|2 value s",
        ["ResourceRequirements"] = "1 limits mq|2 requests mq",
        ["Service"] = "1 metadata m:ObjectMeta|2 spec m:ServiceSpec|3 status -",
        ["ServiceSpec"] = "1 ports rm:ServicePort|2 selector ms|3 clusterIP s|4 type s|5 externalIPs rs|7 sessionAffinity s|11 externalName s",
        ["ServicePort"] = "1 name s|2 protocol s|3 port i|4 targetPort n|5 nodePort i",
    });

    public static bool IsProtobuf(string? contentType) =>
        contentType?.StartsWith("application/vnd.kubernetes.protobuf", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>The JSON object a protobuf body stands for.</summary>
    public static JsonObject Decode(ReadOnlyMemory<byte> body)
    {
        if (body.Length < Magic.Length || !body.Span[..Magic.Length].SequenceEqual(Magic))
        {
            throw KubeApiException.BadRequest("the object provided is unrecognized: protobuf bodies start with the k8s\\0 envelope");
        }

        string apiVersion = "", kind = "";
        ReadOnlyMemory<byte> raw = default;
        foreach (var field in ProtoReader.Fields(body[Magic.Length..]))
        {
            if (field.Number == 1)
            {
                foreach (var meta in ProtoReader.Fields(field.Bytes))
                {
                    (apiVersion, kind) = meta.Number == 1 ? (meta.String, kind) : meta.Number == 2 ? (apiVersion, meta.String) : (apiVersion, kind);
                }
            }
            else if (field.Number == 2)
            {
                raw = field.Bytes;
            }
        }

        var message = KindMessages.GetValueOrDefault($"{apiVersion}/{kind}")
            ?? throw Unsupported($"{apiVersion} {kind}");
        var obj = DecodeMessage(raw, message);
        obj["apiVersion"] = apiVersion;
        obj["kind"] = kind;
        return obj;
    }

    private static JsonObject DecodeMessage(ReadOnlyMemory<byte> bytes, string message)
    {
        var fields = Messages[message];
        var obj = new JsonObject();
        foreach (var field in ProtoReader.Fields(bytes))
        {
            if (!fields.TryGetValue(field.Number, out var spec))
            {
                // Go's proto marshalling writes every non-pointer field, zero or not; a zero says nothing JSON would keep.
                if ((field.WireType == 0 && field.Varint == 0) || (field.WireType == 2 && field.Bytes.Length == 0))
                {
                    continue;
                }

                throw Unsupported($"field {field.Number} of {message}");
            }

            if (spec.Kind == "-")
            {
                continue;
            }

            switch (spec.Kind)
            {
                case "rs":
                    Array(obj, spec.Name).Add(field.String);
                    break;
                case var k when k.StartsWith("rm:", StringComparison.Ordinal):
                    Array(obj, spec.Name).Add(DecodeMessage(field.Bytes, k[3..]));
                    break;
                case "ms" or "mb" or "mq":
                    var (key, value) = MapEntry(field.Bytes, spec.Kind);
                    Map(obj, spec.Name)[key] = value;
                    break;
                default:
                    var scalar = Scalar(field, spec);
                    if (scalar is null)
                    {
                        obj.Remove(spec.Name);
                    }
                    else
                    {
                        obj[spec.Name] = scalar;
                    }

                    break;
            }
        }

        return obj;
    }

    // Go's JSON omits the zero value of a non-pointer field tagged omitempty, which these all are.
    private static JsonNode? Scalar(ProtoField field, FieldSpec spec) => spec.Kind switch
    {
        "s" => field.String is { Length: > 0 } s || spec.KeepZero ? field.String : null,
        "b" => Convert.ToBase64String(field.Bytes.Span),
        "i" => (long)field.Varint != 0 || spec.KeepZero ? (long)field.Varint : null,
        "o" => field.Varint != 0 || spec.KeepZero ? field.Varint != 0 : null,
        "t" => Time(field.Bytes),
        "q" => Quantity(field.Bytes),
        "n" => IntOrString(field.Bytes),
        var k when k.StartsWith("m:", StringComparison.Ordinal) => DecodeMessage(field.Bytes, k[2..]),
        _ => throw Unsupported(spec.Name),
    };

    private static (string Key, JsonNode? Value) MapEntry(ReadOnlyMemory<byte> entry, string kind)
    {
        string key = "";
        JsonNode? value = "";
        foreach (var field in ProtoReader.Fields(entry))
        {
            if (field.Number == 1)
            {
                key = field.String;
            }
            else if (field.Number == 2)
            {
                value = kind switch
                {
                    "mb" => Convert.ToBase64String(field.Bytes.Span),
                    "mq" => Quantity(field.Bytes),
                    _ => field.String,
                };
            }
        }

        return (key, value);
    }

    private static JsonNode? Time(ReadOnlyMemory<byte> bytes)
    {
        long seconds = 0;
        foreach (var field in ProtoReader.Fields(bytes).Where(f => f.Number == 1))
        {
            seconds = (long)field.Varint;
        }

        return seconds == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    private static JsonNode? Quantity(ReadOnlyMemory<byte> bytes) =>
        ProtoReader.Fields(bytes).Where(f => f.Number == 1).Select(f => (JsonNode?)f.String).LastOrDefault() ?? "0";

    private static JsonNode? IntOrString(ReadOnlyMemory<byte> bytes)
    {
        var fields = ProtoReader.Fields(bytes).ToList();
        var isString = fields.Any(f => f.Number == 1 && f.Varint == 1);
        return isString
            ? (JsonNode?)(fields.Where(f => f.Number == 3).Select(f => f.String).LastOrDefault() ?? "")
            : fields.Where(f => f.Number == 2).Select(f => (long)(int)f.Varint).LastOrDefault();
    }

    private static JsonArray Array(JsonObject obj, string name) => obj[name] as JsonArray ?? (JsonArray)(obj[name] = new JsonArray());

    private static JsonObject Map(JsonObject obj, string name) => obj[name] as JsonObject ?? (JsonObject)(obj[name] = new JsonObject());

    private static KubeApiException Unsupported(string what) => new(415, "UnsupportedMediaType",
        $"the emulator cannot decode {what} from protobuf; send it as JSON (e.g. kubectl apply -f)");

    private static Dictionary<string, Dictionary<int, FieldSpec>> Parse(Dictionary<string, string> tables) =>
        tables.ToDictionary(t => t.Key, t => t.Value.Split('|', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split(' '))
            .ToDictionary(p => int.Parse(p[0], CultureInfo.InvariantCulture), p => new FieldSpec(p[1], p[2].TrimEnd('?'), p[2].EndsWith('?'))));

    private sealed record FieldSpec(string Name, string Kind, bool KeepZero);
}
