using k8s;
using k8s.Models;

namespace Operator.Runtime;

public enum EventSeverity
{
    Normal,
    Warning,
}
