using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;
using Operator.Runtime;

namespace Operator.Runtime.Tests;

public sealed class KubernetesModelsJsonTests
{
    /// <summary>KubernetesClient's options as the library sets them up, with its own all-model context.</summary>
    private static readonly JsonSerializerOptions LibraryOptions = LibraryDefaults();

    private static JsonSerializerOptions LibraryDefaults()
    {
        var options = new JsonSerializerOptions
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(SourceGenerationContext.Default, new DefaultJsonTypeInfoResolver()),
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        };
        options.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
        options.Converters.Add(new KubernetesJson.Iso8601TimeSpanConverter());
        options.Converters.Add(new KubernetesJson.KubernetesDateTimeConverter());
        options.Converters.Add(new KubernetesJson.KubernetesDateTimeOffsetConverter());
        options.Converters.Add(new V1Status.V1StatusObjectViewConverter());
        return options;
    }

    [Fact]
    public void TheModelsTheOperatorWrites_SerializeAsTheLibrarysContextDoes()
    {
        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta
            {
                Name = "s", NamespaceProperty = "ns", Labels = new Dictionary<string, string> { ["a"] = "b" },
                CreationTimestamp = new DateTime(2026, 12, 1, 10, 0, 0, 123, DateTimeKind.Utc),
                OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "SecretGroup", Name = "g", Uid = "uid-1", BlockOwnerDeletion = true, Controller = true }],
            },
            Data = new Dictionary<string, byte[]> { ["bin"] = [0, 1, 2, 255], ["text"] = Encoding.UTF8.GetBytes("välue") },
            Type = "Opaque",
        };
        var evt = new Eventsv1Event
        {
            Metadata = new V1ObjectMeta { Name = "e", NamespaceProperty = "ns" },
            EventTime = new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc),
            Series = new Eventsv1EventSeries { Count = 3, LastObservedTime = new DateTime(2026, 12, 1, 10, 5, 0, DateTimeKind.Utc) },
            Regarding = new V1ObjectReference { Kind = "SecretGroup", Name = "g" },
            Reason = "Synced", Type = "Normal", Action = "Sync", ReportingController = "c", ReportingInstance = "i",
        };
        var lease = new V1Lease { Metadata = new V1ObjectMeta { Name = "l" }, Spec = new V1LeaseSpec { HolderIdentity = "me", LeaseDurationSeconds = 15, RenewTime = new DateTime(2026, 12, 1, 10, 0, 0, 500, DateTimeKind.Utc) } };

        foreach (var model in new object[] { secret, evt, lease })
        {
            var ours = KubernetesJson.Serialize(model);
            Assert.Equal(JsonSerializer.Serialize(model, model.GetType(), LibraryOptions), ours);
            var back = JsonSerializer.Serialize(JsonSerializer.Deserialize(ours, model.GetType(), LibraryOptions), model.GetType(), LibraryOptions);
            Assert.Equal(ours, KubernetesJson.Serialize(JsonSerializer.Deserialize(back, model.GetType(), KubernetesJsonOptions())!));
        }
    }

    [Fact]
    public void AStatusFromTheServer_ReadsAsTheLibraryReadsIt()
    {
        const string json = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"m\",\"reason\":\"Conflict\",\"code\":409,\"details\":{\"name\":\"g\",\"kind\":\"secretgroups\"}}";
        var ours = KubernetesJson.Deserialize<V1Status>(json);
        var library = JsonSerializer.Deserialize<V1Status>(json, LibraryOptions)!;
        Assert.Equal((library.Code, library.Reason, library.Message, library.Details.Name), (ours.Code, ours.Reason, ours.Message, ours.Details.Name));
        Assert.Equal(409, ours.Code);
    }

    [Fact]
    public void AModelTheContextLacks_FailsNamingIt_InsteadOfFallingToReflection()
    {
        // The test assemblies add only V1Service, V1NetworkPolicy and Corev1EventList; a Pod is in neither context.
        var error = Assert.Throws<NotSupportedException>(() => KubernetesJson.Serialize(new V1Pod { Metadata = new V1ObjectMeta { Name = "p" } }));
        Assert.Contains("V1Pod is not in KubernetesModelsJsonContext", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheOperatorsOwnTypes_StillResolveByReflection()
    {
        var list = new EntityList<V1Secret> { Items = [new V1Secret { Metadata = new V1ObjectMeta { Name = "a" } }] };
        Assert.Contains("\"name\":\"a\"", KubernetesJson.Serialize(list), StringComparison.Ordinal);
    }

    private static JsonSerializerOptions KubernetesJsonOptions()
    {
        JsonSerializerOptions? captured = null;
        KubernetesJson.AddJsonOptions(o => captured = o);
        return captured!;
    }
}
