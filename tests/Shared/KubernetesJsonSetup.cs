using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Operator.Testing.Setup;

/// <summary>Every test assembly serializes Kubernetes models as the operator binary does (its Main configures the same
/// first): from the generated context, a missing model failing by name; models only tests read come from
/// <see cref="TestModelsJsonContext"/>.</summary>
internal static class KubernetesJsonSetup
{
#pragma warning disable CA2255 // A test assembly's initializer: it must run before any test touches KubernetesJson.
    [ModuleInitializer]
    internal static void Configure() => Operator.Runtime.KubernetesModelsJson.Configure(TestModelsJsonContext.Default);
#pragma warning restore CA2255
}

/// <summary>Models only tests read (install checks, core/v1 Events); the operator itself never serializes them.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(V1Service))]
[JsonSerializable(typeof(V1NetworkPolicy))]
[JsonSerializable(typeof(Corev1EventList))]
internal sealed partial class TestModelsJsonContext : JsonSerializerContext
{
}
