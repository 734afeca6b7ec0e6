{{/* Labels of every object stateguard owns: the kustomize base's, plus Helm's own. */}}
{{- define "stateguard.labels" -}}
app.kubernetes.io/name: stateguard
app.kubernetes.io/part-of: stateguard
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{/* Pod selector: the same as deploy/base, so the Deployment selector (immutable) never differs between the two. */}}
{{- define "stateguard.selectorLabels" -}}
app.kubernetes.io/name: stateguard
{{- end }}

{{- define "stateguard.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}:{{ $tag }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ $tag }}
{{- end -}}
{{- end }}

{{/* The Service's DNS names: the serving certificate (self-managed or cert-manager) is issued for them. */}}
{{- define "stateguard.dnsNames" -}}
- stateguard.{{ .Release.Namespace }}.svc
- stateguard.{{ .Release.Namespace }}.svc.cluster.local
{{- end }}

{{/* Both webhooks' namespaceSelector: never kube-system (by default) nor stateguard's own namespace. */}}
{{- define "stateguard.namespaceSelector" -}}
{{- $selector := deepCopy .Values.webhook.namespaceSelector -}}
{{- $excluded := concat .Values.webhook.excludeNamespaces (list .Release.Namespace) | uniq -}}
{{- $own := dict "key" "kubernetes.io/metadata.name" "operator" "NotIn" "values" $excluded -}}
{{- $_ := set $selector "matchExpressions" (append ($selector.matchExpressions | default list) $own) -}}
{{- toYaml $selector -}}
{{- end }}

{{/* cert-manager's CA injector fills the caBundle from this Certificate. */}}
{{- define "stateguard.certManagerAnnotations" -}}
{{- if eq .Values.certificates.mode "cert-manager" }}
annotations:
  cert-manager.io/inject-ca-from: {{ .Release.Namespace }}/stateguard
{{- end }}
{{- end }}
