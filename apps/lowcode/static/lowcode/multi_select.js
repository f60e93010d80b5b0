/* A multi-link custom field as a searchable tag box (the select2 the admin ships for autocomplete). */
'use strict';
{
    const $ = django.jQuery;
    $(function() {
        $('select.lowcode-multi-select').select2({language: 'zh-CN', width: '100%', placeholder: '输入名称搜索，可选多项'});
    });
}
