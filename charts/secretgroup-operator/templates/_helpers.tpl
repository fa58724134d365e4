{{/* Release-scoped name, at most 63 characters. */}}
{{- define "secretgroup-operator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "secretgroup-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "secretgroup-operator.labels" -}}
{{ include "secretgroup-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "secretgroup-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "secretgroup-operator.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "secretgroup-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "secretgroup-operator.webhookName" -}}
{{- printf "%s-webhook" (include "secretgroup-operator.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "secretgroup-operator.webhookCertSecret" -}}
{{- printf "%s-webhook-tls" (include "secretgroup-operator.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "secretgroup-operator.apiName" -}}
{{- printf "%s-api" (include "secretgroup-operator.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "secretgroup-operator.apiCertSecret" -}}
{{- printf "%s-api-tls" (include "secretgroup-operator.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
