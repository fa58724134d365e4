using k8s;
using k8s.Models;

namespace Operator.Runtime;

/// <summary>
/// Writes events.k8s.io/v1 Events about objects. Never blocks or throws into the caller: events are written in the
/// background and failures are logged. Repeats join the Event's series as client-go's events/v1 recorder does (see <see cref="EventRecorder"/>).
/// </summary>
public interface IEventRecorder
{
    /// <param name="regarding">The object the Event is about.</param>
    /// <param name="type">Normal or Warning.</param>
    /// <param name="reason">CamelCase, machine-readable (e.g. "StoreUnavailable").</param>
    /// <param name="action">What the operator did or failed to do (e.g. "Sync").</param>
    /// <param name="note">A message a person can act on; never a secret value.</param>
    void Record(IKubernetesObject<V1ObjectMeta> regarding, EventSeverity type, string reason, string action, string note);
}
