{{/* Common names and labels. */}}
{{- define "assistant.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "assistant.labels" -}}
app.kubernetes.io/part-of: assistant
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Consumer group of a worker: topics.prefix + <stage>-worker, as the workers compute it. */}}
{{- define "assistant.consumerGroup" -}}
{{- $prefix := index .root.Values.config "topics.prefix" | default "" -}}
{{- printf "%s%s-worker" $prefix .stage -}}
{{- end -}}

{{- define "assistant.topic" -}}
{{- $prefix := index .root.Values.config "topics.prefix" | default "" -}}
{{- printf "%s%s" $prefix .topic -}}
{{- end -}}

{{/* Environment shared by every container: config file location and Kafka secrets. */}}
{{- define "assistant.env" -}}
- name: ASSISTANT_CONFIG
  value: /etc/assistant/assistant.properties
{{- if .Values.kafka.saslJaasSecret }}
- name: ASSISTANT_KAFKA_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.saslJaasSecret }}
      key: sasl.jaas.config
{{- end }}
{{- end -}}

{{- define "assistant.volumeMounts" -}}
- name: config
  mountPath: /etc/assistant
  readOnly: true
{{- if .Values.kafka.tlsSecret }}
- name: tls
  mountPath: /etc/assistant/tls
  readOnly: true
{{- end }}
{{- if .Values.models.existingClaim }}
- name: models
  mountPath: {{ .Values.models.mountPath }}
  readOnly: true
{{- end }}
{{- end -}}

{{- define "assistant.volumes" -}}
- name: config
  configMap:
    name: {{ include "assistant.fullname" . }}-config
{{- if .Values.kafka.tlsSecret }}
- name: tls
  secret:
    secretName: {{ .Values.kafka.tlsSecret }}
{{- end }}
{{- if .Values.models.existingClaim }}
- name: models
  persistentVolumeClaim:
    claimName: {{ .Values.models.existingClaim }}
    readOnly: true
{{- end }}
{{- end -}}
